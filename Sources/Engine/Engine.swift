// The Engine module: the micro-batch runtime (master and worker actors), windows, watermarks,
// keyed state, checkpoints and sinks. Its contents arrive with the engine issue (#5).
