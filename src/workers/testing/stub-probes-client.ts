// A probes client for tests of code that calls the probes worker: every method fails with "not used
// here" unless the test gives it, so that a test states exactly which calls it expects.
import type { ProbesClient } from '../probes-client.ts';

const unused = () => Promise.reject(new Error('not used here'));

export function stubProbesClient(methods: Partial<ProbesClient>): ProbesClient {
  return {
    backend: unused,
    loadFeatures: unused,
    loadStudyTime: unused,
    releaseFeatures: unused,
    busyJobs: unused,
    pca: unused,
    fitProbe: unused,
    neighbours: unused,
    runExtremes: unused,
    runKIndex: unused,
    compareKIndex: unused,
    compareLandSea: unused,
    compareExtremes: unused,
    compareLevels: unused,
    compareTimes: unused,
    searchAnalogues: unused,
    runSweep: unused,
    terminate: () => undefined,
    ...methods,
  };
}
