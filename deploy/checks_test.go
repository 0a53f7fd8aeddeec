package deploy

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// selects reports whether sel matches the labels l.
func selects(t *testing.T, sel *metav1.LabelSelector, l map[string]string) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Errorf("selector %v: %v", sel, err)
		return false
	}
	return !s.Empty() && s.Matches(labels.Set(l))
}

// podsSelected returns the pod templates of the Deployments sel matches.
func podsSelected(t *testing.T, o *objects, sel *metav1.LabelSelector) []corev1.PodSpec {
	t.Helper()
	var pods []corev1.PodSpec
	for _, d := range o.deployments {
		if selects(t, sel, d.Spec.Template.Labels) {
			pods = append(pods, d.Spec.Template.Spec)
		}
	}
	return pods
}

// hasPort reports whether a container of pod exposes port, by name or number.
func hasPort(pod corev1.PodSpec, port intstr.IntOrString) bool {
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		for _, p := range c.Ports {
			if (port.Type == intstr.String && p.Name == port.StrVal) ||
				(port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
				return true
			}
		}
	}
	return false
}

// checkRefs checks that every name or selector one object uses to find
// another finds it.
func checkRefs(t *testing.T, o *objects) {
	t.Helper()
	for _, d := range o.deployments {
		if !selects(t, d.Spec.Selector, d.Spec.Template.Labels) {
			t.Errorf("Deployment %s: selector does not match its pods", d.Name)
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, from := range c.EnvFrom {
				if ref := from.ConfigMapRef; ref != nil && !slices.ContainsFunc(o.configMaps,
					func(cm *corev1.ConfigMap) bool { return cm.Name == ref.Name }) {
					t.Errorf("Deployment %s: envFrom ConfigMap %q does not exist", d.Name, ref.Name)
				}
			}
		}
	}
	for _, s := range o.services {
		pods := podsSelected(t, o, &metav1.LabelSelector{MatchLabels: s.Spec.Selector})
		if len(pods) == 0 {
			t.Errorf("Service %s selects no pods", s.Name)
		}
		for _, p := range s.Spec.Ports {
			for _, pod := range pods {
				if !hasPort(pod, p.TargetPort) {
					t.Errorf("Service %s: targetPort %s is no container port", s.Name, p.TargetPort.String())
				}
			}
		}
	}
	for _, h := range o.hpas {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || !slices.ContainsFunc(o.deployments, func(d *appsv1.Deployment) bool { return d.Name == ref.Name }) {
			t.Errorf("HPA %s targets %s %s, which does not exist", h.Name, ref.Kind, ref.Name)
		}
	}
	for _, p := range o.pdbs {
		if len(podsSelected(t, o, p.Spec.Selector)) == 0 {
			t.Errorf("PodDisruptionBudget %s selects no pods", p.Name)
		}
	}
	for _, np := range o.networkPolicies {
		pods := podsSelected(t, o, &np.Spec.PodSelector)
		if len(pods) == 0 {
			t.Errorf("NetworkPolicy %s selects no pods", np.Name)
		}
		for _, in := range np.Spec.Ingress {
			for _, peer := range in.From {
				if peer.PodSelector == nil || len(podsSelected(t, o, peer.PodSelector)) == 0 {
					t.Errorf("NetworkPolicy %s: ingress peer selects no pods of this kustomization", np.Name)
				}
			}
			for _, port := range in.Ports {
				for _, pod := range pods {
					if port.Port == nil || !hasPort(pod, *port.Port) {
						t.Errorf("NetworkPolicy %s: port %v is no container port", np.Name, port.Port)
					}
				}
			}
		}
	}
	for _, sm := range o.serviceMonitors {
		for _, e := range sm.Spec.Endpoints {
			found := false
			for _, s := range o.services {
				if selects(t, &sm.Spec.Selector, s.Labels) && slices.ContainsFunc(s.Spec.Ports,
					func(p corev1.ServicePort) bool { return p.Name == e.Port }) {
					found = true
				}
			}
			if !found {
				t.Errorf("ServiceMonitor %s: no selected Service has a port named %q", sm.Name, e.Port)
			}
		}
	}
}

// checkPodSecurity checks the pod runs as non-root, and that every
// container has a read-only root, no capabilities, no privilege escalation,
// and CPU, memory and ephemeral-storage requests and limits.
func checkPodSecurity(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	pod := d.Spec.Template.Spec
	if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("Deployment %s: pod lacks runAsNonRoot: true", d.Name)
	}
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		where := d.Name + "/" + c.Name
		sc := c.SecurityContext
		switch {
		case sc == nil:
			t.Errorf("%s: no securityContext", where)
			continue
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			t.Errorf("%s: root filesystem is writable", where)
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			t.Errorf("%s: privilege escalation allowed", where)
		case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL"):
			t.Errorf("%s: capabilities not all dropped", where)
		}
		for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
			if _, ok := c.Resources.Requests[name]; !ok {
				t.Errorf("%s: no %s request", where, name)
			}
			if _, ok := c.Resources.Limits[name]; !ok {
				t.Errorf("%s: no %s limit", where, name)
			}
		}
		if !strings.Contains(c.Image, ":") {
			t.Errorf("%s: image %q has no tag", where, c.Image)
		}
	}
}
