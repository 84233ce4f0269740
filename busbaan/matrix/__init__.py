"""The Matrix edge: a nio client adapter, command dispatch, reply building, room
templates. Everything nio-specific is converted here, once."""
