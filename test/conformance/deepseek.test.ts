/** The conformance suite for the `deepseek` preset (OpenAI adapter + deepseek quirks), against the deepseek wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('deepseek', 'deepseek-chat'));
