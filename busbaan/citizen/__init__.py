"""The citizen's side of busbaan (issue 10): a way in, "Mijn hulpvraag", consent
decisions by the data subject, and the receipts for them.

Pure modules (no I/O):

``links``        link tokens and short codes: make, hash, check; attempts and lock-out
``rules``        which grants rest on consent; what a professional may not re-grant
``view``         the page's facts in sentences, in the citizen's language
``i18n``         one catalogue per language (``locales/*.json``): nl, en, tr, ar
``receipt``      the consent receipt (ISO/IEC TS 27560 fields), signed as a note
``readability``  Flesch-Douma for the Dutch texts

Edges: ``busbaan.store.citizen_repo`` (tables), ``busbaan.web.citizen`` (pages),
``bots.casus.citizen`` (``!burgerlink``, ``!toestemming voorstel``),
``busbaan.citizen.printout`` (QR code PNG and the printable PDF).
"""

#: Who acts when the citizen decides: the data subject ("betrokkene"), never a name.
DATA_SUBJECT = "betrokkene"
