// Property: every invariant holds for seeds 1..1000 (fixed, so CI is deterministic).
// Rerun one: node --import tsx test/sim/vopr.ts --seed N
import { describe } from 'node:test';
import { swarmRange, assertCoverage } from './swarm-run.ts';

describe('swarm seeds 1..1000', () => assertCoverage(swarmRange(1, 1000)));
