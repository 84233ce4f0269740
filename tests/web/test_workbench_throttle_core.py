"""The workbench's login throttle (pure): buckets per address, user name and known
browser; bursts recorded once; the officer's address behind a trusted proxy."""

from __future__ import annotations

from busbaan.web.workbench.throttle import (
    Bucket,
    LoginLimits,
    LoginThrottle,
    client_address,
    normalise_user,
)

LIMITS = LoginLimits(per_address=Bucket(3, 10.0), per_user=Bucket(5, 60.0),
                     per_known_browser=Bucket(2, 60.0), quiet_seconds=100.0)


def test_an_address_is_throttled_after_its_burst_and_refills() -> None:
    """Three failures from one address empty its bucket; one refill later it may try once."""
    t = LoginThrottle(LIMITS)
    keys = t.keys_for("192.0.2.1", "fg.jansen", None)
    for _ in range(3):
        assert t.check(keys, 0.0).allowed
        t.failed(keys, 0.0)
    refused = t.check(keys, 1.0)
    assert not refused.allowed and refused.key == ("address", "192.0.2.1")
    assert 8.0 < refused.retry_after <= 9.0
    assert t.check(keys, 10.5).allowed


def test_spelling_variants_of_a_user_share_one_bucket() -> None:
    """@FG.Jansen:gemeente.nl and fg.jansen count against the same user bucket."""
    assert normalise_user("@FG.Jansen:Gemeente.nl") == normalise_user(" fg.jansen ") == "fg.jansen"
    t = LoginThrottle(LIMITS)
    for i in range(5):
        t.failed(t.keys_for(f"198.51.100.{i}", "@FG.Jansen:gemeente.nl" if i % 2 else "fg.jansen",
                            None), 0.0)
    refused = t.check(t.keys_for("198.51.100.99", "fg.jansen", None), 0.0)
    assert not refused.allowed and refused.key == ("user", "fg.jansen")


def test_a_known_browser_is_not_locked_out_by_attacks_on_its_user() -> None:
    """Failures against a user from many addresses do not touch the bucket of a
    browser that logged in as that user before."""
    t = LoginThrottle(LIMITS)
    for i in range(100):
        keys = t.keys_for(f"203.0.113.{i % 250}", "fg.jansen", None)
        if t.check(keys, 0.0).allowed:
            t.failed(keys, 0.0)
    assert not t.check(t.keys_for("203.0.113.200", "fg.jansen", None), 0.0).allowed
    assert t.check(t.keys_for("203.0.113.7", "fg.jansen", "browser-1"), 0.0).allowed


def test_failures_are_recorded_once_per_burst() -> None:
    """A burst is announced at its first failure and its throttling once; a new burst
    starts only after the quiet period."""
    t = LoginThrottle(LIMITS)
    keys = t.keys_for("192.0.2.1", "fg.jansen", None)
    started = [t.failed(keys, float(i)) for i in range(3)]
    assert [len(s) for s in started] == [2, 0, 0]
    records = [t.check(keys, 3.0).record for _ in range(50)]
    assert records.count(True) == 1
    assert t.failures(("address", "192.0.2.1")) == 3
    assert {b.key[0] for b in t.failed(keys, 500.0)} == {"address", "user"}


def test_memory_is_bounded() -> None:
    """Keys beyond max_keys are dropped, the oldest first."""
    t = LoginThrottle(LoginLimits(max_keys=10, quiet_seconds=5.0))
    for i in range(50):
        t.failed([("address", f"10.0.0.{i}")], float(i))
    assert len(t._states) <= 10


def test_the_officers_address_comes_from_a_trusted_proxy_only() -> None:
    """X-Forwarded-For counts only from a trusted proxy, right-most untrusted hop first;
    what the client wrote itself (left-most) is never believed."""
    proxies = ("10.0.0.0/8",)
    assert client_address("192.0.2.5", "198.51.100.1", proxies) == "192.0.2.5"
    assert client_address("10.1.2.3", "198.51.100.1", proxies) == "198.51.100.1"
    assert client_address("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", proxies) == \
        "198.51.100.1"
    assert client_address("10.1.2.3", None, proxies) == "10.1.2.3"
    assert client_address("10.1.2.3", "not-an-ip", proxies) == "10.1.2.3"
    assert client_address(None, "198.51.100.1", ()) == "unknown"


def test_a_malformed_trusted_proxy_is_refused_with_the_value() -> None:
    """A trusted proxy that is no address or network stops the start with its value."""
    import pytest

    from busbaan.errors import UsageError
    from busbaan.web.workbench.login_guard import LoginGuard

    with pytest.raises(UsageError) as raised:
        LoginGuard(trusted_proxies=("10.0.0.0/8", "proxy.local"))
    assert "'proxy.local'" in raised.value.nl and "web_trusted_proxies" in raised.value.en


def test_a_request_limiter_allows_its_burst_then_one_per_refill() -> None:
    """Three verifications at once, the fourth refused with the wait until the next
    one; each officer has their own bucket; a refused request is not counted."""
    from busbaan.web.workbench.throttle import RequestLimiter

    limiter = RequestLimiter(Bucket(3, 60.0))
    assert all(limiter.take("@fg:a", 0.0).allowed for _ in range(3))
    refused = limiter.take("@fg:a", 1.0)
    assert not refused.allowed and 58.0 < refused.retry_after <= 59.0
    assert limiter.take("@fg2:a", 1.0).allowed  # another officer: own bucket
    for t in (2.0, 30.0, 59.0):
        assert not limiter.take("@fg:a", t).allowed  # asking again does not cost more
    assert limiter.take("@fg:a", 60.0).allowed
    assert not limiter.take("@fg:a", 61.0).allowed
    assert limiter.take("@fg:a", 60.0 + 3 * 60.0).allowed  # refilled to the burst
    assert limiter.take("@fg:a", 240.0).allowed and limiter.take("@fg:a", 240.0).allowed
    assert not limiter.take("@fg:a", 240.0).allowed


def test_a_request_limiter_drops_idle_buckets_beyond_max_keys() -> None:
    """Beyond ``max_keys`` keys, idle (refilled) buckets are dropped; a key that is
    still limited is kept, so dropping never lifts a limit."""
    from busbaan.web.workbench.throttle import RequestLimiter

    limiter = RequestLimiter(Bucket(1, 10.0), max_keys=10)
    for i in range(20):
        assert limiter.take(f"k{i}", float(i * 10)).allowed
        assert len(limiter._states) <= 10
    assert limiter.take("busy", 195.0).allowed
    for i in range(20, 40):  # many new keys at once: full ones go, "busy" stays
        assert limiter.take(f"k{i}", 200.0).allowed
        assert len(limiter._states) <= 30
    assert not limiter.take("busy", 200.0).allowed
