"""The pure parts of federation: ACL content, messages for remote failures, the local
CA and which names resolve to loopback (no homeserver needed)."""

from __future__ import annotations

import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509

from busbaan.devstack.localhost_names import is_localhost_name
from busbaan.devstack.tls import LocalCA
from busbaan.matrix.errors import MatrixError
from busbaan.matrix.remote import remote_failure
from busbaan.matrix.rooms import acl_host, server_acl


def test_acl_lists_hosts_and_the_names_with_ports() -> None:
    """The ACL admits each server's host (federation ignores ports) and, for Synapse's
    own check, the server name with its port; IPv6 literals keep their brackets."""
    acl = server_acl(["gemeente.localhost:8448", "zorg.localhost:8449", "example.org"])
    assert acl["allow"] == ["example.org", "gemeente.localhost", "gemeente.localhost:8448",
                            "zorg.localhost", "zorg.localhost:8449"]
    assert acl["deny"] == [] and acl["allow_ip_literals"] is False
    assert acl_host("[::1]:8448") == "[::1]"
    assert acl_host("example.org") == "example.org"


@pytest.mark.parametrize(("message", "errcode"), [
    ("Federation denied with derde.localhost:9999.", "BB_SERVER_NOT_IN_FEDERATION"),
    ("Can't connect to server zorg.localhost:8449", "BB_REMOTE_UNREACHABLE"),
])
def test_remote_failures_name_the_server_in_dutch_and_english(message: str, errcode: str) -> None:
    """Synapse's texts for a server outside the federation or out of reach become an
    error with a stable code that names the server and says nothing changed."""
    exc = MatrixError("invite", "M_FORBIDDEN", message)
    err = remote_failure(exc, "@karin:zorg.localhost:8449", "gemeente.localhost:8448")
    assert err is not None and err.errcode == errcode
    assert "zorg.localhost:8449" in err.nl and "niets veranderd" in err.nl
    assert "zorg.localhost:8449" in err.en and "Nothing changed" in err.en
    assert err.data == {"server": "zorg.localhost:8449"}


def test_local_failures_and_other_errors_are_left_alone() -> None:
    """A failure about a user on the bot's own server, or any other error text, is not
    turned into a remote-server message."""
    denied = MatrixError("invite", "M_FORBIDDEN", "Federation denied with x.")
    assert remote_failure(denied, "@a:gemeente.localhost:8448", "gemeente.localhost:8448") is None
    other = MatrixError("invite", "M_FORBIDDEN", "You are not invited to this room.")
    assert remote_failure(other, "@a:zorg.localhost:8449", "gemeente.localhost:8448") is None


def test_localhost_names() -> None:
    """``localhost`` and names under it (any case, trailing dot) resolve to loopback;
    look-alikes do not."""
    for name in ("localhost", "zorg.localhost", "A.B.LOCALHOST.", "gemeente.localhost"):
        assert is_localhost_name(name)
    for name in ("localhost.example.org", "notlocalhost", "zorg.local", ""):
        assert not is_localhost_name(name)


def test_local_ca_issues_certificates_that_verify_only_for_their_host(tmp_path: Path) -> None:
    """A certificate from the local CA verifies against that CA for its host name, not
    for another name, and not against another CA; keys are private (0600) and the CA
    and the certificate are reused on the next start."""
    ca = LocalCA.ensure(tmp_path / "ca")
    cert = ca.issue("zorg.localhost:8449")  # the port is not part of the certificate
    assert cert.hostname == "zorg.localhost"
    for key in (cert.key_path, tmp_path / "ca" / "ca.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    leaf = x509.load_pem_x509_certificates(cert.cert_path.read_bytes())[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["zorg.localhost"]

    def verifies(cafile: Path, hostname: str) -> bool:
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(cert.cert_path, cert.key_path)
        client = ssl.create_default_context(cafile=str(cafile))
        c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), \
            ssl.MemoryBIO()
        cs = client.wrap_bio(c_in, c_out, server_hostname=hostname)
        ss = server.wrap_bio(s_in, s_out, server_side=True)
        for _ in range(10):
            for side in (cs, ss):
                try:
                    side.do_handshake()
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLCertVerificationError:
                    return False
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        cs.do_handshake()
        return True

    assert verifies(ca.cert_path, "zorg.localhost")
    assert not verifies(ca.cert_path, "gemeente.localhost")
    other = LocalCA.ensure(tmp_path / "other", name="vreemde CA")
    assert not verifies(other.cert_path, "zorg.localhost")

    again = LocalCA.ensure(tmp_path / "ca")
    assert again.cert.serial_number == ca.cert.serial_number
    assert again.issue("zorg.localhost").cert_path.read_bytes() == cert.cert_path.read_bytes()
