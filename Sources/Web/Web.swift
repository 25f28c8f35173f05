// The Web module: the dashboard's HTTP server, API routes and live updates over the Commerce read model.
