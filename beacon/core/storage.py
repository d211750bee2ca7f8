"""Static files as collectstatic writes them for production: hashed names, compressed copies (WhiteNoise).

Hashed files are cached for a year and marked immutable (WhiteNoise, and nginx in docs/deploy.md), so every
reference between them must name the hashed file too: a module that imports `./quick-exit.mjs` by its plain
name would keep a year-old quick exit in browsers after a release. Django rewrites script-module imports
only with `support_js_module_import_aggregation`, and then only in `*.js` files: Beacon's modules are `.mjs`,
so the same rules are applied to them.
"""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

_MODULE_IMPORTS = ManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]


class BeaconStaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("*.mjs", _MODULE_IMPORTS))
