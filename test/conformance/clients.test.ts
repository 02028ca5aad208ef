/** Real client SDKs running their own tool loops over the bedrock, mistral and cohere adapters. */
import { bedrockKit } from './bedrock-kit.js';
import { runClientLoops } from './clients.js';
import { cohereKit } from './cohere-kit.js';
import { mistralKit } from './mistral-kit.js';

for (const kit of [bedrockKit, mistralKit, cohereKit]) runClientLoops(kit);
