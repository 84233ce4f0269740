"""``busbaan serve``: the service against a real homeserver (production).

Secrets come from files (mode 0600), never from the command line.
"""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import click

from busbaan.errors import UsageError
from busbaan.log import configure


def _secret(path: Path | None, what: str) -> str | None:
    if path is None:
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(
            f"{path} ({what}) is leesbaar voor anderen; zet de rechten op 0600.",
            f"{path} ({what}) is readable by others; set its mode to 0600.",
        )
    return path.read_text(encoding="utf-8").strip()


@click.command()
@click.option("--homeserver", envvar="BUSBAAN_HOMESERVER", required=True,
              help="Client-server API URL of the bots' homeserver.")
@click.option("--casus-user", envvar="BUSBAAN_CASUS_USER", required=True)
@click.option("--casus-password-file", envvar="BUSBAAN_CASUS_PASSWORD_FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--casus-token-file", envvar="BUSBAAN_CASUS_TOKEN_FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wegwijzer-user", envvar="BUSBAAN_WEGWIJZER_USER", default=None)
@click.option("--wegwijzer-password-file", envvar="BUSBAAN_WEGWIJZER_PASSWORD_FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policies", "policy_dir", envvar="BUSBAAN_POLICIES", default="policies",
              type=click.Path(file_okay=False, path_type=Path), show_default=True)
@click.option("--state-dir", envvar="BUSBAAN_STATE_DIR", default=".busbaan",
              type=click.Path(file_okay=False, path_type=Path), show_default=True)
@click.option("--socialmap", envvar="BUSBAAN_SOCIALMAP", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--web-host", envvar="BUSBAAN_WEB_HOST", default="127.0.0.1", show_default=True)
@click.option("--web-port", envvar="BUSBAAN_WEB_PORT", default=8080, type=int,
              show_default=True)
@click.option("--web-trusted-proxies", envvar="BUSBAAN_WEB_TRUSTED_PROXIES", default="",
              help="Comma-separated addresses/networks of reverse proxies whose "
                   "X-Forwarded-For names the client (the workbench's login limits).")
@click.option("--log-level", default="INFO", show_default=True)
@click.option("--audit-key", envvar="BUSBAAN_AUDIT_KEY", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Checkpoint signing key (mode 0600; default STATE_DIR/audit-signing.key). "
                   "May live on another host than the database (a mounted secret).")
@click.option("--init-audit-key", is_flag=True,
              help="Create the signing key when it is missing (then pin its public key).")
@click.option("--audit-config", envvar="BUSBAAN_AUDIT_VERIFY_CONFIG", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verifier configuration: the pinned log key and the witnesses.")
@click.option("--pseudonym-key", envvar="BUSBAAN_PSEUDONYM_KEY", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The wegwijzer's pseudonym key: keyed hashes of questions and of the "
                   "professionals behind learning votes (64 hex, mode 0600; default "
                   "STATE_DIR/pseudonym.key). Keep it apart from the database; every "
                   "process needs the same one.")
@click.option("--init-pseudonym-key", is_flag=True,
              help="Create the pseudonym key when it is missing (once, at installation).")
@click.option("--encryption/--no-encryption", envvar="BUSBAAN_ENCRYPTION", default=True,
              show_default=True,
              help="End-to-end encryption: the bots decrypt and encrypt and create case "
                   "rooms, lanes and their direct chats encrypted (docs/contracts.md).")
def serve(homeserver: str, casus_user: str, casus_password_file: Path | None,
          casus_token_file: Path | None, wegwijzer_user: str | None,
          wegwijzer_password_file: Path | None, policy_dir: Path, state_dir: Path,
          socialmap: Path | None, web_host: str, web_port: int, web_trusted_proxies: str,
          log_level: str, audit_key: Path | None, init_audit_key: bool,
          audit_config: Path | None, pseudonym_key: Path | None, init_pseudonym_key: bool,
          encryption: bool) -> None:
    """Run the bots, the web app and the scheduler (BUSBAAN_DATABASE_URL: the store)."""
    from busbaan.keyfile import PSEUDONYM_KEY_FILE, load_pseudonyms
    from busbaan.matrix.runner import BotAccount
    from busbaan.service import Service, ServiceConfig, run_until_signal

    configure(log_level)
    if wegwijzer_user:  # before anything starts: a missing key is exit 2 with one line
        load_pseudonyms(pseudonym_key or state_dir / PSEUDONYM_KEY_FILE,
                        create=init_pseudonym_key)
    bots = {"casus": BotAccount("casus", homeserver, casus_user,
                                password=_secret(casus_password_file, "wachtwoord"),
                                access_token=_secret(casus_token_file, "token"))}
    if wegwijzer_user:
        bots["wegwijzer"] = BotAccount("wegwijzer", homeserver, wegwijzer_user,
                                       password=_secret(wegwijzer_password_file, "wachtwoord"))
    config = ServiceConfig(homeserver=homeserver, bots=bots, policy_dir=policy_dir,
                           state_dir=state_dir, web_host=web_host, web_port=web_port,
                           socialmap=socialmap, audit_key=audit_key,
                           audit_key_init=init_audit_key, audit_trust=audit_config,
                           pseudonym_key=pseudonym_key, pseudonym_key_init=init_pseudonym_key,
                           encryption=encryption,
                           extra={"web_trusted_proxies": [
                               p.strip() for p in web_trusted_proxies.split(",") if p.strip()]})
    asyncio.run(run_until_signal(Service(config)))
