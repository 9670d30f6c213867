"""Where the live check's WebRTC media may flow: this machine only, unless asked otherwise.

The browser sends the webcam to the app's server (aiortc, through streamlit-webrtc) over UDP.
By default aiortc's ICE layer (aioice) offers a host candidate, and opens a UDP socket, on every
address of every network interface (Wi-Fi, Ethernet, IPv6, ...), so video could flow over the
home network. Decided here:

* ``loopback`` (the default): the server's ICE candidates, so its media sockets, are bound to
  ``127.0.0.1`` only; remote mDNS (``*.local``) candidates are ignored, since resolving them
  would open a multicast socket on all interfaces. The browser must run on this machine (it
  reaches ``127.0.0.1`` from its own host candidate). No STUN/TURN servers either way.
* ``lan``: the explicit option for a phone on the home network:
  ``POSTURE_CHECK_MEDIA=lan make run`` (the app must then also listen on the network,
  ``--server.address 0.0.0.0``, and a phone browser needs HTTPS for its camera; see README).
  aioice's default host candidates are used (every interface), still without STUN/TURN.

:func:`restrict_media_to_loopback` applies the choice to the aioice module in this process
(idempotent; the app calls it before starting a stream).
"""

from __future__ import annotations

import logging
import os

__all__ = ["ENV_VAR", "LOOPBACK_ADDRESSES", "media_scope", "restrict_media_to_loopback",
           "rtc_configuration"]

ENV_VAR = "POSTURE_CHECK_MEDIA"
LOOPBACK_ADDRESSES = ("127.0.0.1",)
_log = logging.getLogger(__name__)
_ORIGINAL: dict[str, object] = {}


def media_scope() -> str:
    """``"loopback"`` (default) or ``"lan"`` from ``$POSTURE_CHECK_MEDIA``."""
    value = os.environ.get(ENV_VAR, "loopback").strip().lower() or "loopback"
    if value not in ("loopback", "lan"):
        raise ValueError(f"{ENV_VAR} must be 'loopback' or 'lan', got {value!r}")
    return value


def rtc_configuration() -> dict:
    """The RTCConfiguration for both ends: no STUN/TURN servers (nothing leaves the network)."""
    return {"iceServers": []}


def _loopback_host_addresses(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
    return list(LOOPBACK_ADDRESSES) if use_ipv4 else []


def restrict_media_to_loopback(scope: str | None = None) -> bool:
    """Apply ``scope`` (default :func:`media_scope`) to aioice in this process; returns True
    when media is restricted to loopback."""
    from aioice import ice, mdns

    scope = scope or media_scope()
    if not _ORIGINAL:
        _ORIGINAL["get_host_addresses"] = ice.get_host_addresses
        _ORIGINAL["add_remote_candidate"] = ice.Connection.add_remote_candidate
    if scope == "lan":
        ice.get_host_addresses = _ORIGINAL["get_host_addresses"]
        ice.Connection.add_remote_candidate = _ORIGINAL["add_remote_candidate"]
        return False
    original_add = _ORIGINAL["add_remote_candidate"]

    async def add_remote_candidate(self, remote_candidate) -> None:
        if remote_candidate is not None and mdns.is_mdns_hostname(remote_candidate.host):
            _log.info("loopback media: ignoring mDNS candidate %s", remote_candidate.host)
            return
        await original_add(self, remote_candidate)  # type: ignore[operator]

    ice.get_host_addresses = _loopback_host_addresses
    ice.Connection.add_remote_candidate = add_remote_candidate
    return True
