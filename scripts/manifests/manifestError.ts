/**
 * A problem with the manifests, told in one line that names the file or object and the field.
 * Entry points print `error.message` (never the stack) and exit non-zero.
 */
export class ManifestError extends Error {
  override name = 'ManifestError';
}
