/**
 * AWS's own libraries (SigV4 signer, SHA-256, eventstream codec), loaded on a Bedrock provider's
 * first request instead of at start: the @smithy/* + @aws-crypto stack costs ~4 MiB of heap and
 * more of RSS, and most configs have no Bedrock provider. They are CommonJS packages, so loading
 * them is synchronous whichever way it is spelled (`import()` of CJS runs their nested `require`s
 * synchronously too); `require` is the cheaper spelling. Loaded once, kept for later calls.
 */
import { createRequire } from 'node:module';
import type { Sha256 } from '@aws-crypto/sha256-js';
import type { EventStreamCodec } from '@smithy/eventstream-codec';
import type { HttpRequest } from '@smithy/protocol-http';
import type { SignatureV4 } from '@smithy/signature-v4';
import type { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface AwsLibs {
  Sha256: typeof Sha256;
  HttpRequest: typeof HttpRequest;
  SignatureV4: typeof SignatureV4;
  EventStreamCodec: typeof EventStreamCodec;
  fromUtf8: typeof fromUtf8;
  toUtf8: typeof toUtf8;
}

let libs: AwsLibs | undefined;

/** The AWS libraries, loaded on the first call. */
export function awsLibs(): AwsLibs {
  if (libs !== undefined) return libs;
  const require = createRequire(import.meta.url);
  const utf8 = require('@smithy/util-utf8') as typeof import('@smithy/util-utf8');
  libs = {
    Sha256: (require('@aws-crypto/sha256-js') as typeof import('@aws-crypto/sha256-js')).Sha256,
    HttpRequest: (require('@smithy/protocol-http') as typeof import('@smithy/protocol-http')).HttpRequest,
    SignatureV4: (require('@smithy/signature-v4') as typeof import('@smithy/signature-v4')).SignatureV4,
    EventStreamCodec: (require('@smithy/eventstream-codec') as typeof import('@smithy/eventstream-codec')).EventStreamCodec,
    fromUtf8: utf8.fromUtf8,
    toUtf8: utf8.toUtf8,
  };
  return libs;
}

/** Whether the libraries are loaded yet (for the test that start-up leaves them alone). */
export function awsLibsLoaded(): boolean {
  return libs !== undefined;
}
