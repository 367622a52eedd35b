import { SAMPLE_REQUEST } from '../../loadtest/requestShape.js';
import { deploymentSettings } from '../manifests/deploymentSettings.js';
import { renderKustomization } from '../manifests/renderKustomization.js';
import type { AppUnderTest } from './appUnderTest.js';

/** The sample service as k8s/base deploys it: Deployment and Service `hello`, answering with X-App-Version. */
export const SAMPLE_APP: AppUnderTest = {
  title: 'hello (the sample)',
  namespace: 'default',
  deployment: 'hello',
  container: 'hello',
  podSelector: 'app=hello',
  service: 'hello',
  request: SAMPLE_REQUEST,
  imageVersions: null,
  deployedVersion: (overlay) =>
    deploymentSettings(renderKustomization(overlay)).container.env.APP_VERSION ?? 'unknown',
  images: null,
};
