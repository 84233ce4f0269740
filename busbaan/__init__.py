"""busbaan: a secure professional-to-professional lane on Matrix for the social domain.

The pure core (``policy``, ``consent``, ``handover``, ``routing``, ``audit`` hashing)
does no I/O; the edges (``store``, ``matrix``, ``gate``, ``web``, ``devstack``) call it.
"""

__version__ = "0.1.0"
