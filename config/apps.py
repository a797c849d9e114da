"""Project-level app configuration."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    """django.contrib.staticfiles, leaving out one stray copy of a third-party stylesheet.

    django-viewflow ships ``viewflow/fonts/roboto/node_modules/``: a leftover npm copy of the
    roboto-fontface package whose ``css/roboto/roboto-fontface.css`` points at font files beside
    it that are not shipped. The production storage (whitenoise's
    ``CompressedManifestStaticFilesStorage``) hashes every ``url()`` a stylesheet references, so
    ``collectstatic`` stops on it. Nothing loads that copy: viewflow's own templates use
    ``viewflow/fonts/roboto/roboto-fontface.css``, which is intact and still collected. So that
    one folder is not collected; every other file, ours and viewflow's, is.
    """

    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "viewflow/fonts/roboto/node_modules/*",
    ]
