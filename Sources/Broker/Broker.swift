// The Broker module: API handlers, partition logs, consumer groups and the NIO server.
// Its contents arrive with the broker issue (#3).
