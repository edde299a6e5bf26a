"""The Pipeline tab: a model/view kanban of open deals, one list per open stage."""
