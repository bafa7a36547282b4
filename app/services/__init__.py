"""Use cases, named by verbs. Each takes a unit of work (and the station context) and returns plain data
objects from `views`, never ORM objects."""
