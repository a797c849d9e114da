"""Static files storage for production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed storage, which leaves one stray third-party copy alone.

    django-viewflow ships ``viewflow/fonts/roboto/node_modules/``: a leftover npm copy of the
    roboto-fontface package whose ``css/roboto/roboto-fontface.css`` points at font files beside
    it that are not shipped. The manifest storage rewrites every ``url()`` a stylesheet
    references to its hashed name, so ``collectstatic`` would stop on it. Nothing loads that copy
    (viewflow's templates use ``viewflow/fonts/roboto/roboto-fontface.css``, which is intact), so
    its files are collected as they are, without post-processing; every other file is hashed
    and compressed as usual.
    """

    unprocessed_prefixes = ("viewflow/fonts/roboto/node_modules/",)

    def post_process(self, paths, *args, **kwargs):
        paths = {
            path: value
            for path, value in paths.items()
            if not path.replace("\\", "/").startswith(self.unprocessed_prefixes)
        }
        yield from super().post_process(paths, *args, **kwargs)
