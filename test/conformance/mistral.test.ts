/** The conformance suite for the `mistral` adapter against the Mistral wire fake. */
import { mistralKit } from './mistral-kit.js';
import { runConformance } from './suite.js';

runConformance(mistralKit);
