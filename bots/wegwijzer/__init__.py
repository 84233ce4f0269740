"""The wegwijzer bot (issue 5): routing answers from the social map, lanes to team
intake rooms, intake figures and feedback. See :mod:`bots.wegwijzer.bot`."""
