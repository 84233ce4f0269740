"""The web app (aiohttp): JSON API, the privacy officer's workbench, the citizen page."""
