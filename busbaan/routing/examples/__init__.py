"""Example questions per service for the demo map: data only (``*.yaml``), read by
:mod:`busbaan.routing.expansion`."""
