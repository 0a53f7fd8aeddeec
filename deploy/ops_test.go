package deploy

import (
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// TestGoMemLimit checks GOMEMLIMIT is about 90% of the feedwire
// container's memory limit in every kustomization: at 100% the Go runtime
// lets the heap reach the limit and the OOM killer acts before the GC
// works harder.
func TestGoMemLimit(t *testing.T) {
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			_, c := app(t, build(t, dir))
			limit, ok := c.Resources.Limits[corev1.ResourceMemory]
			if !ok {
				t.Fatal("no memory limit")
			}
			i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "GOMEMLIMIT" })
			if i < 0 || c.Env[i].Value == "" {
				t.Fatal("no GOMEMLIMIT value")
			}
			v := c.Env[i].Value
			// Go reads KiB, MiB, GiB; Kubernetes writes Ki, Mi, Gi.
			q, err := resource.ParseQuantity(strings.TrimSuffix(strings.TrimSuffix(v, "B"), "i") + "i")
			if err != nil || !strings.HasSuffix(v, "iB") {
				t.Fatalf("GOMEMLIMIT %q: want a number of KiB, MiB or GiB (%v)", v, err)
			}
			ratio := float64(q.Value()) / float64(limit.Value())
			if ratio < 0.85 || ratio > 0.95 {
				t.Errorf("GOMEMLIMIT %s is %.1f%% of the memory limit %s, want about 90%%", v, 100*ratio, limit.String())
			}
		})
	}
}

// TestEphemeralStorageHoldsVolumes: emptyDir volumes count against the
// pod's ephemeral storage, whose limit is the sum of its containers'; a sum
// below the volumes' sizeLimit evicts the pod before a volume is full.
func TestEphemeralStorageHoldsVolumes(t *testing.T) {
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			d, _ := app(t, build(t, dir))
			pod := d.Spec.Template.Spec
			var limits, volumes resource.Quantity
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				if l, ok := c.Resources.Limits[corev1.ResourceEphemeralStorage]; ok {
					limits.Add(l)
				}
			}
			for _, v := range pod.Volumes {
				if v.EmptyDir != nil && v.EmptyDir.Medium == "" {
					if v.EmptyDir.SizeLimit == nil {
						t.Errorf("emptyDir %s has no sizeLimit", v.Name)
						continue
					}
					volumes.Add(*v.EmptyDir.SizeLimit)
				}
			}
			if limits.Cmp(volumes) <= 0 {
				t.Errorf("ephemeral-storage limits sum to %s, not above the emptyDir sizeLimits (%s)", limits.String(), volumes.String())
			}
		})
	}
}

// TestGitSyncMetricsScraped: git-sync serves /metrics on its --http-bind
// port, and the prod ServiceMonitor scrapes it through the Service.
func TestGitSyncMetricsScraped(t *testing.T) {
	o := build(t, "overlays/prod")
	d, _ := app(t, o)
	i := slices.IndexFunc(d.Spec.Template.Spec.InitContainers, func(c corev1.Container) bool { return c.Name == "git-sync" })
	if i < 0 {
		t.Fatal("no git-sync container")
	}
	gs := d.Spec.Template.Spec.InitContainers[i]
	if _, ok := arg(gs.Args, "--http-bind"); !ok {
		t.Error("git-sync has no --http-bind: no metrics endpoint")
	}
	if slices.Contains(gs.Args, "--http-metrics=false") {
		t.Error("git-sync metrics turned off")
	}
	if len(gs.Ports) == 0 {
		t.Fatal("git-sync exposes no port")
	}
	sm := o.serviceMonitors[0]
	if sm.Labels["release"] == "" {
		t.Error("ServiceMonitor has no release label: kube-prometheus-stack's default serviceMonitorSelector ignores it")
	}
	scraped := false
	for _, e := range sm.Spec.Endpoints {
		for _, s := range o.services {
			for _, p := range s.Spec.Ports {
				if p.Name == e.Port && p.TargetPort.StrVal == gs.Ports[0].Name && e.Path == "/metrics" {
					scraped = true
				}
			}
		}
	}
	if !scraped {
		t.Errorf("no ServiceMonitor endpoint scrapes git-sync's port %s at /metrics", gs.Ports[0].Name)
	}
}

// TestRedisPasswordFromSecret: in every kustomization, no ConfigMap holds
// a Redis password, and prod reads it from a file of a mounted Secret.
func TestRedisPasswordFromSecret(t *testing.T) {
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			for _, cm := range o.configMaps {
				for k, v := range cm.Data {
					if strings.Contains(k, "PASSWORD") && !strings.HasSuffix(k, "_FILE") {
						t.Errorf("ConfigMap %s holds %s", cm.Name, k)
					}
					if u, err := url.Parse(v); err == nil && strings.HasPrefix(u.Scheme, "redis") {
						if _, set := u.User.Password(); set {
							t.Errorf("ConfigMap %s: %s carries a password in its URL", cm.Name, k)
						}
					}
				}
			}
			if dir != "overlays/prod" {
				return
			}
			file := config(t, o)["FEEDWIRE_REDIS_PASSWORD_FILE"]
			if file == "" {
				t.Fatal("prod sets no FEEDWIRE_REDIS_PASSWORD_FILE")
			}
			d, c := app(t, o)
			var volume string
			for _, m := range c.VolumeMounts {
				if strings.HasPrefix(file, m.MountPath+"/") {
					volume = m.Name
				}
			}
			i := slices.IndexFunc(d.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == volume })
			if i < 0 || d.Spec.Template.Spec.Volumes[i].Secret == nil {
				t.Fatalf("FEEDWIRE_REDIS_PASSWORD_FILE %s is on no Secret volume", file)
			}
			sec := d.Spec.Template.Spec.Volumes[i].Secret
			if len(sec.Items) > 0 && !slices.ContainsFunc(sec.Items, func(it corev1.KeyToPath) bool { return it.Path == path.Base(file) }) {
				t.Errorf("Secret %s does not project %s", sec.SecretName, path.Base(file))
			}
		})
	}
}

// TestStatsSetting: FEEDWIRE_STATS names a place feedwire can serve
// /stats.json from in every kustomization.
func TestStatsSetting(t *testing.T) {
	s := readServer(t)
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			env := config(t, build(t, dir))
			switch v := setting(s, env, "FEEDWIRE_STATS"); v {
			case "main", "off":
			case "metrics":
				if setting(s, env, "FEEDWIRE_METRICS_ADDR") == "" {
					t.Error("FEEDWIRE_STATS=metrics without FEEDWIRE_METRICS_ADDR")
				}
			default:
				t.Errorf("FEEDWIRE_STATS=%q: want main, metrics or off", v)
			}
		})
	}
}
