package deploy

import (
	"net"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// setting returns a variable's value in the manifests, else its default.
func setting(s *server, env map[string]string, name string) string {
	if v, ok := env[name]; ok {
		return v
	}
	return s.defaults[name]
}

// portOf returns the port of a host:port listen address.
func portOf(t *testing.T, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	n, err := strconv.ParseInt(p, 10, 32)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	return int32(n)
}

// containerPort returns the number of c's port named or numbered p.
func containerPort(c *corev1.Container, p intstr.IntOrString) int32 {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	return -1
}

func TestProbesAndPorts(t *testing.T) {
	s := readServer(t)
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			_, c := app(t, o)
			env := config(t, o)
			if got, want := containerPort(c, intstr.FromString("http")), portOf(t, s.defaults["FEEDWIRE_ADDR"]); got != want {
				t.Errorf("container port http = %d, default listen address %q", got, s.defaults["FEEDWIRE_ADDR"])
			}
			addr := portOf(t, setting(s, env, "FEEDWIRE_ADDR"))
			if containerPort(c, intstr.FromString("http")) != addr {
				t.Errorf("container port http is not the port of FEEDWIRE_ADDR %d", addr)
			}
			if m := setting(s, env, "FEEDWIRE_METRICS_ADDR"); m != "" {
				if got, want := containerPort(c, intstr.FromString("metrics")), portOf(t, m); got != want {
					t.Errorf("container port metrics = %d, FEEDWIRE_METRICS_ADDR %q", got, m)
				}
			}
			probes := map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe}
			for kind, p := range probes {
				if p == nil || p.HTTPGet == nil {
					t.Errorf("%s probe: want an httpGet probe", kind)
					continue
				}
				if !s.routes[p.HTTPGet.Path] {
					t.Errorf("%s probe path %s is not a route", kind, p.HTTPGet.Path)
				}
				if containerPort(c, p.HTTPGet.Port) != addr {
					t.Errorf("%s probe port %s is not the FEEDWIRE_ADDR port %d", kind, p.HTTPGet.Port.String(), addr)
				}
			}
			if p := c.ReadinessProbe; p != nil && p.HTTPGet != nil && p.HTTPGet.Path != "/readyz" {
				t.Errorf("readiness probe on %s, want /readyz", p.HTTPGet.Path)
			}
			if p := c.LivenessProbe; p != nil && p.HTTPGet != nil && p.HTTPGet.Path != "/healthz" {
				t.Errorf("liveness probe on %s, want /healthz", p.HTTPGet.Path)
			}
			if p := c.StartupProbe; p != nil {
				if budget := time.Duration(p.PeriodSeconds*p.FailureThreshold) * time.Second; budget < 3*time.Minute {
					t.Errorf("startup probe allows %v to load posts, want at least 3m", budget)
				}
			}
		})
	}
}

func TestGracefulRollout(t *testing.T) {
	s := readServer(t)
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			d, c := app(t, o)
			shutdown, err := time.ParseDuration(setting(s, config(t, o), "FEEDWIRE_SHUTDOWN_TIMEOUT"))
			if err != nil {
				t.Fatalf("FEEDWIRE_SHUTDOWN_TIMEOUT: %v", err)
			}
			var pause time.Duration
			if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
				t.Error("no preStop sleep handler")
			} else {
				pause = time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
				if pause <= 0 {
					t.Error("preStop sleeps 0s")
				}
			}
			var grace time.Duration
			if g := d.Spec.Template.Spec.TerminationGracePeriodSeconds; g != nil {
				grace = time.Duration(*g) * time.Second
			}
			if grace <= pause+shutdown {
				t.Errorf("terminationGracePeriodSeconds %v not above preStop %v + shutdown %v", grace, pause, shutdown)
			}
			ru := d.Spec.Strategy.RollingUpdate
			if ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
				t.Error("rolling update may take a ready pod away before its replacement is ready")
			}
		})
	}
}

func TestBaseReplicas(t *testing.T) {
	d, _ := app(t, build(t, "base"))
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %v, want 2", d.Spec.Replicas)
	}
}

func arg(args []string, flag string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestGitSyncSidecar(t *testing.T) {
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			d, c := app(t, o)
			pod := d.Spec.Template.Spec
			i := slices.IndexFunc(pod.InitContainers, func(c corev1.Container) bool { return c.Name == "git-sync" })
			if i < 0 {
				t.Fatal("no git-sync init container")
			}
			gs := pod.InitContainers[i]
			if gs.RestartPolicy == nil || *gs.RestartPolicy != corev1.ContainerRestartPolicyAlways {
				t.Error("git-sync is not a native sidecar (restartPolicy: Always)")
			}
			if !strings.HasPrefix(gs.Image, "registry.k8s.io/git-sync/git-sync:v4.") {
				t.Errorf("git-sync image %s, want registry.k8s.io/git-sync/git-sync:v4.x", gs.Image)
			}
			flags := map[string]string{}
			for _, f := range []string{"--repo", "--root", "--link", "--period"} {
				v, ok := arg(gs.Args, f)
				if !ok || v == "" {
					t.Errorf("git-sync has no %s", f)
				}
				flags[f] = v
			}
			if _, err := time.ParseDuration(flags["--period"]); err != nil {
				t.Errorf("--period: %v", err)
			}
			posts := config(t, o)["FEEDWIRE_POSTS_DIR"]
			if want := path.Join(flags["--root"], flags["--link"]); posts != want {
				t.Errorf("FEEDWIRE_POSTS_DIR = %q, want the git-sync link %q", posts, want)
			}
			volume := func(c corev1.Container, dir string) string {
				for _, m := range c.VolumeMounts {
					if dir == m.MountPath || strings.HasPrefix(dir, m.MountPath+"/") {
						return m.Name
					}
				}
				return ""
			}
			shared := volume(gs, flags["--root"])
			if shared == "" || volume(*c, posts) != shared {
				t.Errorf("git-sync root and FEEDWIRE_POSTS_DIR are not on one volume (%q, %q)", shared, volume(*c, posts))
			}
			if !slices.ContainsFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == shared && v.EmptyDir != nil }) {
				t.Errorf("volume %q is not an emptyDir", shared)
			}
		})
	}
}

func TestDevRedis(t *testing.T) {
	o := build(t, "overlays/dev")
	u, err := url.Parse(config(t, o)["FEEDWIRE_REDIS_URL"])
	if err != nil || u.Scheme != "redis" {
		t.Fatalf("FEEDWIRE_REDIS_URL: %v, %v", u, err)
	}
	i := slices.IndexFunc(o.services, func(s *corev1.Service) bool { return s.Name == u.Hostname() })
	if i < 0 {
		t.Fatalf("FEEDWIRE_REDIS_URL host %q is no Service", u.Hostname())
	}
	svc := o.services[i]
	if !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return strconv.Itoa(int(p.Port)) == u.Port() }) {
		t.Errorf("Service %s has no port %s", svc.Name, u.Port())
	}
	redis := podsSelected(t, o, &metav1.LabelSelector{MatchLabels: svc.Spec.Selector})
	if len(redis) != 1 || !strings.HasPrefix(redis[0].Containers[0].Image, "redis:") {
		t.Fatalf("Service %s does not select one Redis pod template", svc.Name)
	}
	feedwire, _ := app(t, o)
	guarded := false
	for _, np := range o.networkPolicies {
		if !selects(t, &np.Spec.PodSelector, svc.Spec.Selector) {
			continue
		}
		guarded = slices.Contains(np.Spec.PolicyTypes, "Ingress")
		for _, in := range np.Spec.Ingress {
			for _, peer := range in.From {
				if peer.IPBlock != nil || peer.NamespaceSelector != nil || peer.PodSelector == nil ||
					!selects(t, peer.PodSelector, feedwire.Spec.Template.Labels) {
					t.Errorf("NetworkPolicy %s lets in more than feedwire pods", np.Name)
				}
			}
		}
	}
	if !guarded {
		t.Error("no NetworkPolicy restricts ingress to Redis")
	}
}

func TestProdUsesExternalRedisAndServiceMonitor(t *testing.T) {
	o := build(t, "overlays/prod")
	env := config(t, o)
	if env["FEEDWIRE_REDIS_URL"] == "" && env["FEEDWIRE_REDIS_ADDRS"] == "" {
		t.Error("prod sets neither FEEDWIRE_REDIS_URL nor FEEDWIRE_REDIS_ADDRS")
	}
	if len(o.deployments) != 1 {
		t.Errorf("prod has %d Deployments, want feedwire only (Redis is external)", len(o.deployments))
	}
	if len(o.serviceMonitors) != 1 || len(o.serviceMonitors[0].Spec.Endpoints) == 0 {
		t.Fatal("prod wants one ServiceMonitor with an endpoint")
	}
	if p := o.serviceMonitors[0].Spec.Endpoints[0].Path; p != "/metrics" {
		t.Errorf("ServiceMonitor scrapes %s, want /metrics", p)
	}
}
