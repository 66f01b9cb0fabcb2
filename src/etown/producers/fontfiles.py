"""The font files fontconfig resolves for a family: what a PDF's cache entry depends on.

A PDF embeds subsets of the fonts that fontconfig finds for the families its stylesheets name.
Its cache entry must go stale when one of those files changes, and only then: a package that
adds unrelated fonts to /usr/share/fonts changes nothing in the PDF, so it must not change the
key either. fontconfig itself is asked (through its C library, which WeasyPrint loads anyway),
so the answer is the one WeasyPrint gets, user fonts, configuration and all.
"""

import ctypes
import ctypes.util
import functools
import os
from collections.abc import Iterable


class _FontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    library.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    library.FcPatternCreate.restype = ctypes.c_void_p
    library.FcPatternAddString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    library.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    library.FcObjectSetCreate.restype = ctypes.c_void_p
    library.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    library.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    library.FcFontList.restype = ctypes.POINTER(_FontSet)
    library.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    library.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
    library.FcPatternGetString.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)
    ]  # fmt: skip
    return library


@functools.cache
def _configuration() -> int | None:
    """fontconfig's configuration, loaded once per process (it reads fontconfig's caches)."""
    library = _fontconfig()
    return library.FcInitLoadConfigAndFonts() if library is not None else None


def files_of_family(family: str) -> list[str]:
    """Every font file fontconfig lists for ``family`` (all its weights and styles)."""
    library, configuration = _fontconfig(), _configuration()
    if library is None or configuration is None:
        return []
    pattern = library.FcPatternCreate()
    objects = library.FcObjectSetCreate()
    try:
        library.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        library.FcObjectSetAdd(objects, b"file")
        found = library.FcFontList(configuration, pattern, objects)
        if not found:
            return []
        files = set()
        try:
            for index in range(found.contents.nfont):
                value = ctypes.c_char_p()
                if (
                    library.FcPatternGetString(found.contents.fonts[index], b"file", 0, ctypes.byref(value))
                    == 0
                ):
                    assert value.value is not None
                    files.add(os.fsdecode(value.value))
        finally:
            library.FcFontSetDestroy(found)
        return sorted(files)
    finally:
        library.FcObjectSetDestroy(objects)
        library.FcPatternDestroy(pattern)


def fingerprint(families: Iterable[str]) -> str:
    """Each file of each family with its size and modification time: an update of one of those
    fonts, or a font newly listed under one of those families, changes the fingerprint."""
    entries = []
    for family in sorted(set(families)):
        entries.append(f"family {family}")
        for path in files_of_family(family):
            try:
                status = os.stat(path)
            except OSError:
                entries.append(f"{path}:missing")
            else:
                entries.append(f"{path}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(entries)
