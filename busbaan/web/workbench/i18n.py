"""The workbench's words, in plain Dutch (B1) with English beside them.

The language comes from ``?lang=nl|en`` (remembered in a cookie), else the browser's
``Accept-Language``, else Dutch.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

__all__ = [
    "LANG_COOKIE",
    "TEXT",
    "Translator",
    "action_label",
    "event_label",
    "outcome_label",
    "pick_lang",
]

LANG_COOKIE = "busbaan_taal"


def pick_lang(request: web.Request) -> str:
    q = request.query.get("lang")
    if q in ("nl", "en"):
        return q
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in ("nl", "en"):
        return cookie
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("nl"):
            return "nl"
        if tag.startswith("en"):
            return "en"
    return "nl"


TEXT: Mapping[str, tuple[str, str]] = {
    "app": ("Werkbank privacy officer", "Privacy officer's workbench"),
    "skip": ("Direct naar de inhoud", "Skip to content"),
    "nav": ("Hoofdmenu", "Main menu"),
    "nav.overview": ("Overzicht", "Overview"),
    "nav.case": ("Per casus", "Per case"),
    "nav.professional": ("Per professional", "Per professional"),
    "nav.consents": ("Toestemmingen", "Consents"),
    "nav.exceptions": ("Uitzonderingen", "Exceptions"),
    "nav.register": ("Verwerkingsregister", "Processing register"),
    "nav.export": ("Downloaden", "Download"),
    "logged_in_as": ("Ingelogd als", "Logged in as"),
    "logout": ("Uitloggen", "Log out"),
    "other_lang": ("English", "Nederlands"),
    "other_lang_code": ("en", "nl"),
    "footer": ("Alles wat u hier doet, wordt vastgelegd in het auditlog.",
               "Everything you do here is recorded in the audit log."),
    # login
    "login.title": ("Inloggen", "Log in"),
    "login.intro": (
        "Log in met uw Matrix-account: dezelfde gebruikersnaam en hetzelfde wachtwoord "
        "als in Element. Alleen een privacy officer kan verder.",
        "Log in with your Matrix account: the same user name and password as in Element. "
        "Only a privacy officer can continue."),
    "login.user": ("Gebruikersnaam", "User name"),
    "login.user_hint": ("Bijvoorbeeld @fg.jansen:gemeente.nl", "For example @fg.jansen:city.nl"),
    "login.password": ("Wachtwoord", "Password"),
    "login.submit": ("Inloggen", "Log in"),
    "login.privacy": (
        "Uw wachtwoord gaat alleen naar uw homeserver. De werkbank bewaart het niet.",
        "Your password goes only to your homeserver. The workbench does not keep it."),
    "login.missing": ("Vul uw gebruikersnaam en wachtwoord in.",
                      "Enter your user name and password."),
    "error.title": ("Er ging iets mis", "Something went wrong"),
    "error.back": ("Terug naar het overzicht", "Back to the overview"),
    "error.login_again": ("Opnieuw inloggen", "Log in again"),
    # refusal
    "refused.title": ("Geen toegang", "No access"),
    "refused.body": (
        "U bent ingelogd als {user}, maar u heeft geen toegang tot de werkbank. Alleen "
        "medewerkers met de rol privacy officer mogen deze gegevens zien.",
        "You are logged in as {user}, but you have no access to the workbench. Only staff "
        "with the privacy officer role may see this information."),
    "refused.next": (
        "Denkt u dat u deze rol wel heeft? Vraag de beheerder van de adresgids van uw "
        "organisatie om uw rol aan te passen. Deze weigering is vastgelegd.",
        "Do you think you have this role? Ask the administrator of your organisation's "
        "directory to change your role. This refusal has been recorded."),
    "csrf.title": ("Formulier verlopen", "Form expired"),
    "csrf.body": (
        "Dit formulier is verlopen of kwam niet van deze website. Er is niets gedaan. Ga "
        "terug, ververs de pagina en probeer het opnieuw.",
        "This form has expired or did not come from this website. Nothing was done. Go "
        "back, reload the page and try again."),
    # overview
    "overview.title": ("Overzicht", "Overview"),
    "integrity.title": ("Is het auditlog ongeschonden?", "Is the audit log intact?"),
    "integrity.ok": ("Ja. Niemand heeft het log veranderd.",
                     "Yes. Nobody has changed the log."),
    "integrity.ok_detail": (
        "Gecontroleerd: alle regels ({size}) en alle ondertekende controlepunten "
        "({checkpoints}). Alles klopt.",
        "Checked: all entries ({size}) and all signed checkpoints ({checkpoints}). "
        "Everything matches."),
    "integrity.tampered": ("Nee. Het log is veranderd.", "No. The log has been changed."),
    "integrity.tampered_detail": (
        "De eerste foute regel is nummer {index}. Meld dit direct bij de beveiligings"
        "officer en bewaar een download van het log.",
        "The first bad entry is number {index}. Report this to the security officer at "
        "once and keep a download of the log."),
    "integrity.unchecked": (
        "De regels kloppen, maar de handtekeningen zijn niet gecontroleerd.",
        "The entries match, but the signatures were not checked."),
    "integrity.unchecked_detail": (
        "De werkbank vindt de ondertekensleutel niet. Vraag beheer om de sleutel op de "
        "server te zetten.",
        "The workbench cannot find the signing key. Ask the administrator to put the key on "
        "the server."),
    "integrity.never": ("Nog niet gecontroleerd.", "Not checked yet."),
    "integrity.running": ("De controle loopt nu. Ververs de pagina zo.",
                          "The check is running. Reload the page in a moment."),
    "integrity.error": ("De controle kon niet worden uitgevoerd: {error}",
                        "The check could not be done: {error}"),
    "integrity.checked_at": ("Gecontroleerd op", "Checked at"),
    "integrity.size_now": ("Regels in het log nu", "Entries in the log now"),
    "integrity.checkpoint": ("Laatste controlepunt", "Last checkpoint"),
    "integrity.checkpoint_value": ("{size} regels, wortelhash {root}…",
                                   "{size} entries, root hash {root}…"),
    "integrity.no_checkpoint": ("Nog geen ondertekend controlepunt.",
                                "No signed checkpoint yet."),
    "integrity.problems": ("Gevonden problemen", "Problems found"),
    "integrity.check_now": ("Nu controleren", "Check now"),
    # issue 9: witnesses
    "integrity.witness": ("Getuige {name}", "Witness {name}"),
    "integrity.witness_value": ("medeondertekend tot {size} regels",
                                "cosigned up to {size} entries"),
    "integrity.witness_unreachable": ("nu niet bereikbaar", "unreachable now"),
    "integrity.unwitnessed": ("Controlepunten nog niet getuigd", "Checkpoints not yet witnessed"),
    "overview.reports": ("Rapporten", "Reports"),
    "tile.case": ("Wie had toegang tot de gegevens van één cliënt, en waarom (AVG art. 15).",
                  "Who had access to one client's data, and why (GDPR art. 15)."),
    "tile.professional": ("Wat deed één professional, en wat werd met hem of haar gedaan.",
                          "What one professional did, and what was done to them."),
    "tile.consents": ("Gegeven, ingetrokken, verlopen, en wat binnenkort afloopt.",
                      "Given, withdrawn, expired, and what ends soon."),
    "tile.exceptions": ("Weigeringen, fouten en noodtoegang: om na te kijken.",
                        "Refusals, failures and emergency access: to review."),
    "tile.register": ("Welke gegevens wie verwerkt, op welke grond (AVG art. 30).",
                      "Which data who processes, on which ground (GDPR art. 30)."),
    "tile.export": ("Regels uit het auditlog als CSV of JSON Lines.",
                    "Audit log entries as CSV or JSON Lines."),
    "overview.charts": ("In beeld", "At a glance"),
    "chart.refusals": ("Weigeringen per organisatie per week",
                       "Refusals per organisation per week"),
    "chart.refusals_desc": (
        "Aantal geweigerde acties per week, per organisatie, van {first} tot en met {last}.",
        "Number of refused actions per week, per organisation, from {first} to {last}."),
    "chart.expiring": ("Toestemmingen die de komende 30 dagen aflopen",
                       "Consents ending in the next 30 days"),
    "chart.expiring_desc": ("Aantal geldige toestemmingen dat op elke dag afloopt.",
                            "Number of valid consents that end on each day."),
    "chart.handover": ("Hoe lang wachtte een overdracht op antwoord?",
                       "How long did a handover wait for an answer?"),
    "chart.handover_desc": (
        "Aantal beantwoorde voorstellen tot overdracht, per wachttijd.",
        "Number of answered handover proposals, per waiting time."),
    "chart.handover_summary": (
        "{accepted} aangenomen, {declined} afgewezen, {expired} verlopen, {open} wachten "
        "nog.",
        "{accepted} accepted, {declined} declined, {expired} expired, {open} still "
        "waiting."),
    "chart.median": ("Mediaan: {value}.", "Median: {value}."),
    "chart.none": ("Geen gegevens in deze periode.", "No data in this period."),
    "chart.table": ("Toon de cijfers als tabel", "Show the numbers as a table"),
    "chart.total": ("Totaal", "Total"),
    "chart.week": ("Week", "Week"),
    "chart.day": ("Dag", "Day"),
    "chart.wait": ("Wachttijd", "Waiting time"),
    "chart.count": ("Aantal", "Number"),
    # filters
    "filters": ("Filters", "Filters"),
    "filters.apply": ("Toon", "Show"),
    "filters.case": ("Casusnummer", "Case number"),
    "filters.case_hint": ("Pseudoniem, bijvoorbeeld C-7KQ2MX4A. Nooit een naam of BSN.",
                          "Pseudonymous, for example C-7KQ2MX4A. Never a name or BSN."),
    "filters.professional": ("Professional (Matrix-ID)", "Professional (Matrix ID)"),
    "filters.professional_hint": ("Bijvoorbeeld @j.devries:buurtteam.nl",
                                  "For example @j.devries:team.nl"),
    "filters.organisation": ("Organisatie", "Organisation"),
    "filters.any_organisation": ("Alle organisaties", "All organisations"),
    "filters.since": ("Vanaf (datum)", "From (date)"),
    "filters.until": ("Tot en met (datum)", "Up to and including (date)"),
    "filters.date_hint": ("Jaar-maand-dag, bijvoorbeeld 2026-01-31",
                          "Year-month-day, for example 2026-01-31"),
    "filters.format": ("Bestandsformaat", "File format"),
    "filters.errors": ("Pas dit aan:", "Please correct this:"),
    "filters.period_default": ("Zonder datums: de laatste {days} dagen.",
                               "Without dates: the last {days} days."),
    # case
    "case.title": ("Inzage per casus (AVG art. 15)", "Access per case (GDPR art. 15)"),
    "case.intro": (
        "Wie had toegang tot welke gegevens van deze cliënt, en op welke grond? Gebruik dit "
        "om een inzageverzoek te beantwoorden.",
        "Who had access to which data of this client, and on which ground? Use this to "
        "answer a subject access request."),
    "case.search": ("Casus zoeken", "Find a case"),
    "case.ask": ("Vul een casusnummer in om het overzicht te zien.",
                 "Enter a case number to see the report."),
    "case.summary": ("Samenvatting", "Summary"),
    "case.organisations": ("Organisaties", "Organisations"),
    "case.professionals": ("Professionals", "Professionals"),
    "case.categories": ("Gegevenscategorieën", "Data categories"),
    "case.bases": ("Grondslagen", "Legal bases"),
    "case.emergency": ("Noodtoegang gebruikt", "Emergency access used"),
    "case.refusals": ("Geweigerd", "Refused"),
    # outside18 F5: what only refused attempts name was not processed: listed apart
    "case.refused_only": ("geweigerd, niet verwerkt", "refused, not processed"),
    "case.erased": ("Persoonlijke details gewist (AVG art. 17)",
                    "Personal details erased (GDPR art. 17)"),
    "case.access": ("Wie had toegang, en op welke grond", "Who had access, and on which ground"),
    "case.timeline": ("Tijdlijn", "Timeline"),
    "case.entries": ("Alle regels in het auditlog", "All entries in the audit log"),
    "case.download": ("Download deze casus als CSV", "Download this case as CSV"),
    "col.when": ("Wanneer", "When"),
    "col.who": ("Wie", "Who"),
    "col.org": ("Organisatie", "Organisation"),
    "col.role": ("Rol", "Role"),
    "col.what": ("Wat", "What"),
    "col.action": ("Actie", "Action"),
    "col.on_behalf": ("Namens", "On behalf of"),
    "col.subject": ("Betreft", "Concerning"),
    "col.data": ("Gegevens", "Data"),
    "col.ground": ("Grondslag", "Ground"),
    "col.checks": ("Controles", "Checks"),
    "col.outcome": ("Uitkomst", "Outcome"),
    "col.details": ("Details", "Details"),
    "col.data_ground": ("Gegevens en grondslag", "Data and ground"),
    "col.index": ("Nr.", "No."),
    "col.first": ("Eerste keer", "First time"),
    "col.last": ("Laatste keer", "Last time"),
    "col.count": ("Aantal", "Number"),
    "col.case": ("Casus", "Case"),
    "col.cases": ("Casussen", "Cases"),
    "col.grant": ("Toestemming", "Consent"),
    "col.state": ("Stand", "State"),
    "col.given": ("Gegeven", "Given"),
    "col.until": ("Geldig tot", "Valid until"),
    "col.withdrawn": ("Ingetrokken", "Withdrawn"),
    "col.reason": ("Reden", "Reason"),
    "col.kind": ("Soort", "Kind"),
    "truncated": ("De eerste {shown} van {total} regels. Download het bestand voor alles.",
                  "The first {shown} of {total} entries. Download the file for all."),
    "none": ("Niets gevonden.", "Nothing found."),
    "personal.sealed": ("versleuteld", "sealed"),
    "personal.erased": ("gewist (AVG art. 17)", "erased (GDPR art. 17)"),
    "emergency": ("NOODTOEGANG", "EMERGENCY ACCESS"),
    "review": ("controleren", "review"),
    # professional
    "professional.title": ("Per professional", "Per professional"),
    "professional.intro": (
        "Wat deed deze professional, namens wie, en wat werd er met hem of haar gedaan "
        "(bijvoorbeeld uitgenodigd of geweigerd)?",
        "What did this professional do, on whose behalf, and what was done to them (for "
        "example invited or refused)?"),
    "professional.ask": (
        "Vul een Matrix-ID in. Het gaat via het formulier, niet via de adresregel.",
        "Enter a Matrix ID. It is sent with the form, not in the address bar."),
    "professional.counts": (
        "Zelf gedaan: {actor}. Namens een ander: {behalf}. Als lid of genodigde: {subject}.",
        "Acted: {actor}. On behalf of someone: {behalf}. As member or invitee: {subject}."),
    "professional.directory": ("In de adresgids", "In the directory"),
    "professional.not_in_directory": ("Niet in de adresgids", "Not in the directory"),
    # consents
    "consents.title": ("Toestemmingen", "Consents"),
    "consents.intro": (
        "Welke toestemmingen zijn gegeven, ingetrokken of verlopen, en welke lopen binnenkort "
        "af?",
        "Which consents were given, withdrawn or expired, and which end soon?"),
    "consents.expiring_soon": ("Loopt binnen 30 dagen af", "Ends within 30 days"),
    "state.valid": ("geldig", "valid"),
    "state.expiring": ("loopt af over {days} dagen", "ends in {days} days"),
    "state.expired": ("verlopen", "expired"),
    "state.withdrawn": ("ingetrokken", "withdrawn"),
    # exceptions
    "exceptions.title": ("Uitzonderingen", "Exceptions"),
    "exceptions.intro": (
        "Weigeringen, fouten en elk gebruik van noodtoegang. Noodtoegang moet u altijd "
        "nakijken.",
        "Refusals, failures and every use of emergency access. Always review emergency "
        "access."),
    "exceptions.counts": ("{total} uitzonderingen: {kinds}.", "{total} exceptions: {kinds}."),
    "kind.refused": ("geweigerd", "refused"),
    "kind.failed": ("mislukt", "failed"),
    "kind.breakglass": ("noodtoegang", "emergency access"),
    # register
    "register.title": ("Verwerkingsregister (AVG art. 30)",
                       "Record of processing activities (GDPR art. 30)"),
    "register.intro": (
        "Afgeleid uit het beleid in {source}. Doel: afstemming tussen professionals over de "
        "hulpvraag van een cliënt. Betrokkenen: cliënten (pseudoniem per casus) en de "
        "professionals.",
        "Derived from the policies in {source}. Purpose: coordination between professionals "
        "on a client's request for help. Data subjects: clients (pseudonymous per case) and "
        "the professionals."),
    "register.retention": ("Bewaartermijnen", "Retention"),
    "register.missing": ("Let op, deze beleidsbestanden ontbreken: {files}",
                         "Note, these policy files are missing: {files}"),
    "register.public_task": ("Publieke taak", "Public task"),
    "register.recipients": ("Mogelijke ontvangers (binnen een toestemming)",
                            "Possible recipients (within a consent)"),
    "register.none": ("Het beleid staat geen verwerkingen toe.",
                      "The policy allows no processing."),
    "register.basis": ("Grondslag", "Legal basis"),
    "register.article": ("Artikel", "Article"),
    "register.law": ("Wet", "Law"),
    "register.categories": ("Gegevenscategorieën", "Data categories"),
    "register.special": ("bijzonder", "special"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    # export
    "export.title": ("Downloaden", "Download"),
    "export.intro": (
        "Download regels uit het auditlog als CSV (voor een spreadsheet) of JSON Lines (voor "
        "een ander programma). Het bestand bevat geen versleutelde persoonlijke details.",
        "Download audit log entries as CSV (for a spreadsheet) or JSON Lines (for another "
        "program). The file holds no sealed personal details."),
    "export.submit": ("Download", "Download"),
    "export.count": ("Met deze filters: {count} regels.", "With these filters: {count} entries."),
}


class Translator:
    """``t("key", **values)`` in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in ("nl", "en") else "nl"

    def __call__(self, key: str, **values: object) -> str:
        nl, en = TEXT.get(key, (key, key))
        text = en if self.lang == "en" else nl
        return text.format(**values) if values else text

    def pick(self, nl: str, en: str) -> str:
        return en if self.lang == "en" else nl


_EVENTS: Mapping[str, tuple[str, str]] = {
    "case.created": ("casus geopend", "case opened"),
    "case.closed": ("casus gesloten", "case closed"),
    "consent.granted": ("toestemming gegeven", "consent given"),
    "consent.withdrawn": ("toestemming ingetrokken", "consent withdrawn"),
    "consent.expired": ("toestemming verlopen", "consent expired"),
    "consent.grant_refused": ("toestemming geweigerd: niet rechtmatig",
                              "consent refused: not lawful"),
    "membership.invite": ("uitgenodigd", "invited"),
    "membership.invite_refused": ("uitnodiging geweigerd", "invite refused"),
    "membership.join": ("casusruimte binnengekomen", "joined the case room"),
    "membership.join_refused": ("binnenkomen geweigerd", "join refused"),
    "membership.knock": ("om toegang gevraagd", "asked for access"),
    "membership.check": ("toegang gecontroleerd", "access checked"),
    "membership.removed": ("uit de casus gehaald", "removed from the case"),
    "state.send": ("instelling van de ruimte gewijzigd", "room setting changed"),
    "handover.proposed": ("overdracht voorgesteld", "handover proposed"),
    "handover.accepted": ("overdracht aangenomen", "handover accepted"),
    "handover.declined": ("overdracht afgewezen", "handover declined"),
    "handover.withdrawn": ("overdracht ingetrokken", "handover withdrawn"),
    "handover.expired": ("overdracht verlopen", "handover expired"),
    "handover.reminded": ("herinnering over overdracht", "handover reminder"),
    "handover.sideline_ended": ("meekijken beëindigd", "following ended"),
    "regie.changed": ("regie gewisseld", "lead changed"),
    "breakglass.started": ("noodtoegang gestart", "emergency access started"),
    "breakglass.ended": ("noodtoegang beëindigd", "emergency access ended"),
    "breakglass.refused": ("noodtoegang geweigerd", "emergency access refused"),
    "audit.details_erased": ("details gewist (AVG art. 17)", "details erased (GDPR art. 17)"),
    "policy.loaded": ("beleid geladen", "policy loaded"),
    "audit.checkpoint": ("controlepunt ondertekend", "checkpoint signed"),  # issue 9
    "workbench.login": ("werkbank: ingelogd", "workbench: logged in"),
    "workbench.login_refused": ("werkbank: toegang geweigerd", "workbench: access refused"),
    "workbench.viewed": ("werkbank: rapport bekeken", "workbench: report viewed"),
    "workbench.exported": ("werkbank: gedownload", "workbench: downloaded"),
    "workbench.verified": ("werkbank: log gecontroleerd", "workbench: log verified"),
    # the citizen's own acts on "Mijn hulpvraag" (issue 10): access / decisions by the
    # data subject
    "citizen.link_created": ("burgerlink gemaakt", "citizen link made"),
    "citizen.link_revoked": ("burgerlink ingetrokken", "citizen link revoked"),
    "citizen.link_locked": ("burgerlink geblokkeerd (code te vaak fout)",
                            "citizen link locked (wrong code too often)"),
    "citizen.login": ("betrokkene: ingelogd", "data subject: logged in"),
    "citizen.login_refused": ("betrokkene: inloggen geweigerd", "data subject: login refused"),
    "citizen.viewed": ("betrokkene: eigen hulpvraag bekeken", "data subject: viewed own case"),
    "citizen.receipt_downloaded": ("betrokkene: ontvangstbewijs gedownload",
                                   "data subject: receipt downloaded"),
    "consent.proposed": ("toestemming voorgesteld aan betrokkene",
                         "consent proposed to the data subject"),
    "consent.refused": ("toestemming geweigerd door betrokkene",
                        "consent refused by the data subject"),
    "consent.receipt_issued": ("ontvangstbewijs toestemming gegeven", "consent receipt issued"),
    "consent.withdraw_refused": ("intrekken geweigerd", "withdrawal refused"),
}
_OUTCOMES: Mapping[str, tuple[str, str]] = {
    "allowed": ("toegestaan", "allowed"), "refused": ("geweigerd", "refused"),
    "done": ("gedaan", "done"), "failed": ("mislukt", "failed"),
}
_ACTIONS: Mapping[str, tuple[str, str]] = {
    "C": ("aanmaken", "create"), "R": ("lezen", "read"), "U": ("wijzigen", "update"),
    "D": ("verwijderen", "delete"), "E": ("uitvoeren", "execute"),
}


def event_label(code: str, lang: str) -> str:
    nl, en = _EVENTS.get(code, (code, code))
    return en if lang == "en" else nl


def outcome_label(outcome: str, lang: str) -> str:
    nl, en = _OUTCOMES.get(outcome, (outcome, outcome))
    return en if lang == "en" else nl


def action_label(action: str, lang: str) -> str:
    nl, en = _ACTIONS.get(action, (action, action))
    return en if lang == "en" else nl
