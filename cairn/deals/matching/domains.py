"""Registrable domains of e-mail addresses, URLs and hosts, and free-mail providers."""

import re
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# The public-suffix snapshot bundled with the pinned tldextract, and nothing else: no
# download at run time, no cache file in the home directory. Private suffixes are
# included so that shops on hosting platforms ("a.myshopify.com", "b.myshopify.com")
# are different registrable domains rather than one.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(),
    cache_dir=None,
    fallback_to_snapshot=True,
    include_psl_private_domains=True,
)

_HOST_NAME = re.compile(r"[a-z0-9_.-]+")

# Mailbox providers whose addresses say nothing about the employer. Checked on the
# registrable domain.
_FREE_MAIL_DOMAINS_TEXT = """
    gmail.com googlemail.com outlook.com hotmail.com live.com msn.com passport.com
    windowslive.com aol.com aim.com icloud.com me.com mac.com ymail.com rocketmail.com
    proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io
    tuta.com zoho.com zohomail.com fastmail.com fastmail.fm hey.com mailbox.org
    posteo.de posteo.net gmx.de gmx.net gmx.com gmx.at gmx.ch web.de t-online.de
    freenet.de arcor.de mail.de email.de mail.com email.com inbox.com
    mail.ru inbox.ru list.ru bk.ru yandex.ru yandex.com yandex.ua ya.ru rambler.ru
    ukr.net qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com
    aliyun.com naver.com daum.net hanmail.net nate.com
    orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr bbox.fr
    libero.it virgilio.it tiscali.it alice.it tin.it
    terra.com.br uol.com.br bol.com.br ig.com.br
    seznam.cz centrum.cz email.cz wp.pl o2.pl interia.pl onet.pl op.pl
    bluewin.ch hispeed.ch telenet.be skynet.be ziggo.nl kpnmail.nl planet.nl
    btinternet.com sky.com talktalk.net virginmedia.com ntlworld.com
    comcast.net verizon.net att.net sbcglobal.net bellsouth.net cox.net charter.net
    earthlink.net optonline.net shaw.ca rogers.com sympatico.ca bigpond.com
    bigpond.net.au optusnet.com.au xtra.co.nz rediffmail.com
"""
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL_DOMAINS_TEXT.split())

# Providers that serve the same free mailboxes under many country suffixes:
# yahoo.co.uk, hotmail.fr, outlook.de, live.nl, gmx.at, yandex.kz ...
FREE_MAIL_LABELS = frozenset({"yahoo", "hotmail", "outlook", "live", "gmx", "yandex"})


def _host(value: str) -> str:
    text = value.strip().lower()
    if text.startswith("mailto:"):
        text = text.removeprefix("mailto:")
    if "@" in text:
        text = text.rpartition("@")[2]
    if _HOST_NAME.fullmatch(text):
        return text.rstrip(".")  # a bare host, as most are: no URL to parse
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".")


def _ascii_host(host: str) -> str:
    # Internationalized domains are compared in their ASCII (punycode) form, so that
    # "müller.de" and "xn--mller-kva.de" are the same domain.
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


# Top-level names reserved for documentation, tests and private networks (RFC 2606,
# RFC 6761, RFC 6762, ICANN's .internal): no public suffix list knows them, yet
# demos, tests and intranets use them as companies' domains.
RESERVED_TOP_LEVEL_NAMES = frozenset(
    {"example", "test", "invalid", "localhost", "local", "internal"}
)


@lru_cache(maxsize=8192)
def registrable_domain(value: str) -> str:
    """Return the registrable domain of an e-mail address, URL or host, or ""."""
    host = _ascii_host(_host(value))
    if not _HOST_NAME.fullmatch(host):
        return ""
    labels = host.split(".")
    if len(labels) >= 2 and labels[-1] in RESERVED_TOP_LEVEL_NAMES:
        return ".".join(labels[-2:])
    parts = _EXTRACT(host)
    if not parts.domain or not parts.suffix:
        return ""
    return f"{parts.domain}.{parts.suffix}"


def domain_label(domain: str) -> str:
    """Return the label a registrable domain adds to its public suffix, without dashes.

    "acme-systems.co.uk" gives "acmesystems", so that the same name under another suffix
    or written with a dash can be recognized as a related domain.
    """
    return domain.partition(".")[0].replace("-", "")


def is_free_mail_domain(domain: str) -> bool:
    """Say whether a registrable domain belongs to a free mailbox provider."""
    if domain in FREE_MAIL_DOMAINS:
        return True
    return domain.partition(".")[0] in FREE_MAIL_LABELS


def company_domain(value: str) -> str:
    """Return the registrable domain of a value unless it is a free-mail provider's."""
    domain = registrable_domain(value)
    if not domain or is_free_mail_domain(domain):
        return ""
    return domain
