"""The stylesheet, named by a hash of its content so browsers may cache it for ever."""

from collections.abc import Iterator

from etown.outputs import Context, Target


class Assets:
    name = "assets"

    def targets(self, context: Context) -> Iterator[Target]:
        content = context.stylesheet_bytes
        yield Target(context.stylesheet_path, lambda _data: content)


ASSETS = Assets()
