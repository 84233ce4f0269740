"""Who is trusted to vouch for the audit log: the verifier's configuration.

One YAML (or JSON) file, read once into a frozen object::

    # the log's public key, PINNED: never derived from the signing key file
    log_key: busbaan.example/audit+1a2b3c4d+AV7...
    # witnesses (c2sp.org/tlog-witness): their cosigning keys, and where to reach them
    witnesses:
      - key: witness.example/w1+5e6f7a8b+BGk...
        url: https://witness.example/w1
    quorum: 1                       # cosignatures a checkpoint needs to count as witnessed
    state_file: /var/lib/busbaan-verifier/state.json   # the last checkpoint verified
    checkpoint_interval_seconds: 300                   # how often the service signs

``busbaan audit verify --config FILE`` reads it, and so do the service (which refuses to
start when its signing key is not the pinned one, and sends checkpoints to the
witnesses) and the workbench. Relative paths are relative to the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from busbaan.audit.checkpoint import NoteError, Verifier
from busbaan.audit.cosign import CosignatureVerifier
from busbaan.errors import UsageError

__all__ = [
    "TrustConfig",
    "WitnessEndpoint",
    "load_trust_config",
    "trust_from_mapping",
    "write_trust_config",
]


@dataclass(frozen=True, slots=True)
class WitnessEndpoint:
    """A witness: its pinned cosigning key and, if it can be reached, its URL prefix."""

    verifier: CosignatureVerifier
    url: str | None = None

    @property
    def name(self) -> str:
        return self.verifier.name


class _WitnessModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    url: str | None = None

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        try:
            CosignatureVerifier.from_vkey(value)
        except NoteError as exc:
            raise ValueError(exc.message("en")) from None
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value


class _TrustModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    log_key: str
    witnesses: tuple[_WitnessModel, ...] = ()
    quorum: int = Field(default=1, ge=1)
    state_file: str | None = None
    checkpoint_interval_seconds: int = Field(default=300, ge=1)

    @field_validator("log_key")
    @classmethod
    def _log_key(cls, value: str) -> str:
        try:
            Verifier.from_vkey(value)
        except NoteError as exc:
            raise ValueError(exc.message("en")) from None
        return value


@dataclass(frozen=True, slots=True)
class TrustConfig:
    """The parsed configuration (see the module docstring)."""

    log_verifier: Verifier
    witnesses: tuple[WitnessEndpoint, ...] = ()
    quorum: int = 1
    state_file: Path | None = None
    checkpoint_interval_seconds: int = 300
    source: str = "<config>"

    @property
    def origin(self) -> str:
        """The log's origin: its key's name (the log signs with key name = origin)."""
        return self.log_verifier.name


def trust_from_mapping(data: Mapping[str, Any], source: str = "<config>",
                       base: Path | None = None) -> TrustConfig:
    """Parse an already loaded mapping; :class:`UsageError` names the file and field."""
    try:
        model = _TrustModel.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "-"
        raise UsageError(
            f"{source}: veld '{where}': {first['msg']}",
            f"{source}: field '{where}': {first['msg']}",
            errcode="BB_AUDIT_CONFIG",
            data={"file": source, "field": where},
        ) from None
    if model.witnesses and model.quorum > len(model.witnesses):
        raise UsageError(
            f"{source}: veld 'quorum': {model.quorum} is meer dan het aantal getuigen "
            f"({len(model.witnesses)}).",
            f"{source}: field 'quorum': {model.quorum} is more than the number of "
            f"witnesses ({len(model.witnesses)}).",
            errcode="BB_AUDIT_CONFIG", data={"file": source, "field": "quorum"})
    names = [CosignatureVerifier.from_vkey(w.key).name for w in model.witnesses]
    if len(set(names)) != len(names):
        raise UsageError(f"{source}: veld 'witnesses': een getuige staat er twee keer in.",
                         f"{source}: field 'witnesses': a witness is listed twice.",
                         errcode="BB_AUDIT_CONFIG", data={"file": source, "field": "witnesses"})
    state = None
    if model.state_file:
        state = Path(model.state_file)
        if base is not None and not state.is_absolute():
            state = base / state
    return TrustConfig(
        log_verifier=Verifier.from_vkey(model.log_key),
        witnesses=tuple(WitnessEndpoint(CosignatureVerifier.from_vkey(w.key), w.url)
                        for w in model.witnesses),
        quorum=model.quorum,
        state_file=state,
        checkpoint_interval_seconds=model.checkpoint_interval_seconds,
        source=source,
    )


def load_trust_config(path: str | Path) -> TrustConfig:
    """Read the verifier's configuration file (YAML or JSON)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: bestand bestaat niet.", f"{path}: file does not exist.",
                         errcode="BB_AUDIT_CONFIG", data={"file": str(path)}) from None
    except (OSError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: onleesbaar ({type(exc).__name__}).",
                         f"{path}: unreadable ({type(exc).__name__}).",
                         errcode="BB_AUDIT_CONFIG", data={"file": str(path)}) from None
    if not isinstance(data, Mapping):
        raise UsageError(f"{path}: verwacht een object met 'log_key'.",
                         f"{path}: expected a mapping with 'log_key'.",
                         errcode="BB_AUDIT_CONFIG", data={"file": str(path)})
    return trust_from_mapping(data, str(path), path.parent)


def write_trust_config(path: Path, config: Mapping[str, Any]) -> None:
    """Write a configuration (used by the dev stack); mode 0644, it holds no secret."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(config), indent=2) + "\n", encoding="utf-8")
