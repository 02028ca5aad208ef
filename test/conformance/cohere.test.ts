/** The conformance suite for the `cohere` adapter (v2 chat) against the Cohere wire fake. */
import { cohereKit } from './cohere-kit.js';
import { runConformance } from './suite.js';

runConformance(cohereKit);
