import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startContainers, testInfraMode } from '../src/containers';

const dockerless = !process.env['DOCKER_HOST'] && !existsSync('/var/run/docker.sock');

describe('the integration suite on containers', () => {
  it('given LMA_TEST_INFRA unset, local or containers, then that mode; given anything else, then it is refused', () => {
    expect(testInfraMode({})).toBe('local');
    expect(testInfraMode({ LMA_TEST_INFRA: 'local' })).toBe('local');
    expect(testInfraMode({ LMA_TEST_INFRA: 'containers' })).toBe('containers');
    expect(() => testInfraMode({ LMA_TEST_INFRA: 'docker' })).toThrow('LMA_TEST_INFRA must be local or containers, not docker');
  });

  it('given no container runtime, when the containers are asked for, then it fails at once saying what is missing and how to do without', async () => {
    const missing = () => Promise.reject(new Error('Could not find a working container runtime strategy'));
    await expect(startContainers(missing)).rejects.toThrow(
      'LMA_TEST_INFRA=containers needs a Docker engine, and testcontainers found none (Could not find a working container runtime strategy). ' +
        'Start Docker or set DOCKER_HOST, or leave LMA_TEST_INFRA unset to run the suite on the local Kafka and FerretDB processes.',
    );
  });

  it.runIf(dockerless)('given this machine without Docker, then testcontainers\' own lookup ends in that message', async () => {
    await expect(startContainers()).rejects.toThrow(/^LMA_TEST_INFRA=containers needs a Docker engine, and testcontainers found none \(.+\)\. Start Docker/);
  });
});
