import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../packages/core/src/index.js';

// Validated against the Kubernetes OpenAPI schemas shipped in kubernetes-models (and the Prometheus
// Operator's CRD schema for ServiceMonitor): an unknown field type, a missing required field or a
// wrong enum fails here, not at `kubectl apply`.
const BASE = join(import.meta.dirname, '..', 'deploy', 'kubernetes', 'base');
type Validating = new (data: never) => { validate(): void };
const MODELS: Record<string, Validating> = {
  'apps/v1/Deployment': Deployment as Validating,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as Validating,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as Validating,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as Validating,
  'v1/ConfigMap': ConfigMap as Validating,
  'v1/Secret': Secret as Validating,
  'v1/Service': Service as Validating,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as Validating,
};

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML
type Manifest = Record<string, any>;
const files = readdirSync(BASE).filter((f) => f.endsWith('.yaml'));
const manifests = new Map<string, Manifest>(
  files.map((f) => [f, parse(readFileSync(join(BASE, f), 'utf8'))]),
);
const byKind = (kind: string): Manifest =>
  [...manifests.values()].find((m) => m.kind === kind) ?? expect.fail(`no ${kind} manifest`);

describe('deploy/kubernetes/base', () => {
  it.each(files.filter((f) => f !== 'kustomization.yaml'))('%s validates against its schema', (file) => {
    const manifest = manifests.get(file) as Manifest;
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    expect(Model, `${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
    expect(() => new (Model as Validating)(manifest as never).validate()).not.toThrow();
  });

  it('the kustomization lists every manifest but the secret example, and nothing missing', () => {
    const resources: string[] = (manifests.get('kustomization.yaml') as Manifest).resources;
    expect(resources.sort()).toEqual(
      files.filter((f) => f !== 'kustomization.yaml' && f !== 'secret.example.yaml').sort(),
    );
  });

  it('runs hardened: non-root, read-only root filesystem, no capabilities, probes on /health and /ready', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThanOrEqual(1000);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    // The only writable path is an emptyDir at /tmp (the image's XDG_CACHE_HOME lives there).
    expect(container.volumeMounts.find((m: Manifest) => m.mountPath === '/tmp')).toBeDefined();
  });

  it('scales on the guide’s CPU and memory targets and keeps two pods through disruptions', () => {
    const hpa = byKind('HorizontalPodAutoscaler').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 10]);
    const targets = Object.fromEntries(
      hpa.metrics.map((m: Manifest) => [m.resource.name, m.resource.target.averageUtilization]),
    );
    expect(targets).toEqual({ cpu: 70, memory: 80 });
    expect(byKind('PodDisruptionBudget').spec.minAvailable).toBe(2);
  });

  it('lets egress reach only the database, Redis and DNS', () => {
    const egressPorts = byKind('NetworkPolicy')
      .spec.egress.flatMap((rule: Manifest) => rule.ports.map((p: Manifest) => p.port))
      .sort();
    expect(egressPorts).toEqual([5432, 53, 53, 6379].sort());
  });

  it('configures only variables the server knows', () => {
    const known = new Set(Object.keys(CONFIG_VARIABLES));
    for (const name of Object.keys(byKind('ConfigMap').data)) expect(known, name).toContain(name);
  });
});
