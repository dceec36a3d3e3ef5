"""gRPC server bootstrap shared by every service: auth, errors, logging, health, shutdown."""
