"""Tools: schemas, parsing of tool calls, execution, and the simulated world."""
