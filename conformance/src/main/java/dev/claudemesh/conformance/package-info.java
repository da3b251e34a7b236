/**
 * The conformance runner: canonicalizes stdin, fingerprints a request, and verifies fixture
 * directories (SPEC §11). The fixture layout is documented in the module's README.
 */
@NullMarked
package dev.claudemesh.conformance;

import org.jspecify.annotations.NullMarked;
