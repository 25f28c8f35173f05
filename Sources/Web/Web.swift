// The Web module: the dashboard's HTTP server, API routes and live updates. Its contents arrive
// with the dashboard work, after the engine issue (#5).
