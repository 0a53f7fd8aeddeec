package deploy

import (
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// kustomizations returns the directories `kubectl apply -k` is pointed at.
func kustomizations() []string { return []string{"base", "overlays/dev", "overlays/prod"} }

// ServiceMonitor is the part of the Prometheus Operator's
// monitoring.coreos.com/v1 ServiceMonitor that the manifests use. Decoding
// is strict, so a field outside it fails the test.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector          metav1.LabelSelector `json:"selector"`
		NamespaceSelector *struct {
			MatchNames []string `json:"matchNames,omitempty"`
			Any        bool     `json:"any,omitempty"`
		} `json:"namespaceSelector,omitempty"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path,omitempty"`
			Interval      string `json:"interval,omitempty"`
			ScrapeTimeout string `json:"scrapeTimeout,omitempty"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// PrometheusRule is the part of the Prometheus Operator's
// monitoring.coreos.com/v1 PrometheusRule that the manifests use; its spec
// is a Prometheus rules file.
type PrometheusRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              RuleFile `json:"spec"`
}

// RuleFile is a Prometheus rules file.
type RuleFile struct {
	Groups []struct {
		Name     string `json:"name"`
		Interval string `json:"interval,omitempty"`
		Rules    []Rule `json:"rules"`
	} `json:"groups"`
}

// Rule is one alerting rule of a RuleFile.
type Rule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// objects is one kustomization built and decoded into typed objects.
type objects struct {
	raw             [][]byte // every object as YAML
	configMaps      []*corev1.ConfigMap
	deployments     []*appsv1.Deployment
	services        []*corev1.Service
	hpas            []*autoscalingv2.HorizontalPodAutoscaler
	pdbs            []*policyv1.PodDisruptionBudget
	networkPolicies []*networkingv1.NetworkPolicy
	serviceMonitors []*ServiceMonitor
	prometheusRules []*PrometheusRule
}

// build runs kustomize on dir, as `kubectl apply -k` would, and decodes
// every object strictly into its Go type.
func build(t *testing.T, dir string) *objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	o := &objects{}
	for _, r := range rm.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %s: %v", dir, r.CurId(), err)
		}
		if err := o.add(r.GetApiVersion()+"/"+r.GetKind(), b); err != nil {
			t.Errorf("%s: %s: %v", dir, r.CurId(), err)
		}
	}
	return o
}

// add decodes one object by its apiVersion/kind; unknown fields and
// unknown kinds are errors.
func (o *objects) add(gvk string, b []byte) error {
	o.raw = append(o.raw, b)
	var err error
	switch gvk {
	case "v1/ConfigMap":
		o.configMaps, err = decode(b, o.configMaps)
	case "apps/v1/Deployment":
		o.deployments, err = decode(b, o.deployments)
	case "v1/Service":
		o.services, err = decode(b, o.services)
	case "autoscaling/v2/HorizontalPodAutoscaler":
		o.hpas, err = decode(b, o.hpas)
	case "policy/v1/PodDisruptionBudget":
		o.pdbs, err = decode(b, o.pdbs)
	case "networking.k8s.io/v1/NetworkPolicy":
		o.networkPolicies, err = decode(b, o.networkPolicies)
	case "monitoring.coreos.com/v1/ServiceMonitor":
		o.serviceMonitors, err = decode(b, o.serviceMonitors)
	case "monitoring.coreos.com/v1/PrometheusRule":
		o.prometheusRules, err = decode(b, o.prometheusRules)
	default:
		return fmt.Errorf("no Go type for %s", gvk)
	}
	return err
}

func decode[T any](b []byte, into []*T) ([]*T, error) {
	v := new(T)
	if err := yaml.UnmarshalStrict(b, v); err != nil {
		return into, fmt.Errorf("strict decode: %w", err)
	}
	return append(into, v), nil
}

func TestStrictDecodeRejectsMisspeltField(t *testing.T) {
	tests := []struct {
		name, gvk, doc string
	}{
		{"deployment", "apps/v1/Deployment", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n"},
		{"nested", "v1/Service", "apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - prot: 80\n"},
		{"service monitor", "monitoring.coreos.com/v1/ServiceMonitor",
			"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nspec:\n  endpoints:\n  - porta: metrics\n"},
		{"unknown kind", "v1/Pod", "apiVersion: v1\nkind: Pod\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := new(objects).add(tt.gvk, []byte(tt.doc)); err == nil {
				t.Errorf("decoded %q without error", tt.doc)
			}
		})
	}
}

func TestKustomizationsBuild(t *testing.T) {
	for _, dir := range kustomizations() {
		t.Run(dir, func(t *testing.T) {
			o := build(t, dir)
			if len(o.deployments) == 0 || len(o.services) == 0 || len(o.configMaps) == 0 ||
				len(o.hpas) == 0 || len(o.pdbs) == 0 {
				t.Fatalf("want Deployment, Service, ConfigMap, HPA and PDB; got %d, %d, %d, %d, %d",
					len(o.deployments), len(o.services), len(o.configMaps), len(o.hpas), len(o.pdbs))
			}
			checkRefs(t, o)
			for _, d := range o.deployments {
				checkPodSecurity(t, d)
			}
		})
	}
}

// app returns the feedwire Deployment and its feedwire container.
func app(t *testing.T, o *objects) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	for _, d := range o.deployments {
		for i, c := range d.Spec.Template.Spec.Containers {
			if c.Name == "feedwire" {
				return d, &d.Spec.Template.Spec.Containers[i]
			}
		}
	}
	t.Fatal("no Deployment with a feedwire container")
	return nil, nil
}

// config returns the FEEDWIRE_* settings the feedwire container gets from
// its ConfigMaps and env, later sources overriding earlier ones.
func config(t *testing.T, o *objects) map[string]string {
	t.Helper()
	_, c := app(t, o)
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			continue
		}
		for _, cm := range o.configMaps {
			if cm.Name == from.ConfigMapRef.Name {
				for k, v := range cm.Data {
					env[k] = v
				}
			}
		}
	}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	return env
}
