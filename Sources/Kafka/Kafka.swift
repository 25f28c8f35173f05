// The Kafka module: the sans-I/O wire codec (frames, primitives, every request and response,
// RecordBatch v2) and the Kafka client. Its contents arrive with the broker issue (#3).
