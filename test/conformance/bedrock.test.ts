/** The conformance suite for the `bedrock` adapter (Converse / ConverseStream, SigV4) against the Bedrock wire fake. */
import { bedrockKit } from './bedrock-kit.js';
import { runConformance } from './suite.js';

runConformance(bedrockKit);
