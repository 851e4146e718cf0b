package main

// Drift tests of the deployment artefacts (Dockerfile, deploy/kubernetes):
// Kubernetes is not available here, so the manifests are parsed and their
// invariants checked against the kit's real routes, settings loader and stop
// timeout. docs/scaling.md and deploy/kubernetes/README.md explain them.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/goccy/go-yaml"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

const (
	deployDir        = "../../deploy/kubernetes"
	dockerfilePath   = "../../Dockerfile"
	dockerignorePath = "../../.dockerignore"
	// deployPodIP stands for status.podIP (downward API) in the tests.
	deployPodIP = "10.1.2.3"
	// deployNonRootUID is the image's and the pods' user (distroless nonroot).
	deployNonRootUID = 65532
)

// deployNonSettings are the container variables that are not settings:
// inputs of $(VAR) expansion only.
var deployNonSettings = map[string]bool{"POD_IP": true}

// ---- the manifests' shapes (only the fields the checks read) ----

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type k8sSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type k8sSecurityContext struct {
	RunAsNonRoot             *bool  `yaml:"runAsNonRoot"`
	RunAsUser                *int64 `yaml:"runAsUser"`
	RunAsGroup               *int64 `yaml:"runAsGroup"`
	ReadOnlyRootFilesystem   *bool  `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool  `yaml:"allowPrivilegeEscalation"`
	Privileged               *bool  `yaml:"privileged"`
	Capabilities             *struct {
		Add  []string `yaml:"add"`
		Drop []string `yaml:"drop"`
	} `yaml:"capabilities"`
	SeccompProfile *struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path   string `yaml:"path"`
		Port   any    `yaml:"port"`
		Scheme string `yaml:"scheme"`
		Host   string `yaml:"host"`
	} `yaml:"httpGet"`
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	PeriodSeconds       int `yaml:"periodSeconds"`
	TimeoutSeconds      int `yaml:"timeoutSeconds"`
	FailureThreshold    int `yaml:"failureThreshold"`
}

type k8sEnvVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom *struct {
		FieldRef *struct {
			FieldPath string `yaml:"fieldPath"`
		} `yaml:"fieldRef"`
		SecretKeyRef    any `yaml:"secretKeyRef"`
		ConfigMapKeyRef any `yaml:"configMapKeyRef"`
		ResourceRef     any `yaml:"resourceFieldRef"`
	} `yaml:"valueFrom"`
}

type k8sMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
	ReadOnly  bool   `yaml:"readOnly"`
	SubPath   string `yaml:"subPath"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Ports   []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef any `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Env            []k8sEnvVar `yaml:"env"`
	VolumeMounts   []k8sMount  `yaml:"volumeMounts"`
	StartupProbe   *k8sProbe   `yaml:"startupProbe"`
	LivenessProbe  *k8sProbe   `yaml:"livenessProbe"`
	ReadinessProbe *k8sProbe   `yaml:"readinessProbe"`
	Lifecycle      *struct {
		PreStop *struct {
			Sleep *struct {
				Seconds int `yaml:"seconds"`
			} `yaml:"sleep"`
			Exec    any `yaml:"exec"`
			HTTPGet any `yaml:"httpGet"`
		} `yaml:"preStop"`
	} `yaml:"lifecycle"`
	Resources struct {
		Requests map[string]any `yaml:"requests"`
		Limits   map[string]any `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext k8sSecurityContext `yaml:"securityContext"`
}

type k8sVolume struct {
	Name   string `yaml:"name"`
	Secret *struct {
		SecretName  string `yaml:"secretName"`
		DefaultMode *int   `yaml:"defaultMode"`
		Items       []struct {
			Key  string `yaml:"key"`
			Path string `yaml:"path"`
		} `yaml:"items"`
	} `yaml:"secret"`
}

type k8sDeployment struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		Replicas int         `yaml:"replicas"`
		Selector k8sSelector `yaml:"selector"`
		Strategy struct {
			RollingUpdate struct {
				MaxSurge       any `yaml:"maxSurge"`
				MaxUnavailable any `yaml:"maxUnavailable"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Template struct {
			Metadata k8sMeta `yaml:"metadata"`
			Spec     struct {
				TerminationGracePeriodSeconds *int               `yaml:"terminationGracePeriodSeconds"`
				AutomountServiceAccountToken  *bool              `yaml:"automountServiceAccountToken"`
				SecurityContext               k8sSecurityContext `yaml:"securityContext"`
				InitContainers                []k8sContainer     `yaml:"initContainers"`
				Containers                    []k8sContainer     `yaml:"containers"`
				Volumes                       []k8sVolume        `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sConfigMap struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sMeta           `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
}

type k8sService struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type k8sPDB struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		MinAvailable   any         `yaml:"minAvailable"`
		MaxUnavailable any         `yaml:"maxUnavailable"`
		Selector       k8sSelector `yaml:"selector"`
	} `yaml:"spec"`
}

type k8sHPA struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		ScaleTargetRef struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Name       string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
		MinReplicas *int `yaml:"minReplicas"`
		MaxReplicas int  `yaml:"maxReplicas"`
		Metrics     []struct {
			Type     string `yaml:"type"`
			Resource *struct {
				Name   string `yaml:"name"`
				Target struct {
					Type               string `yaml:"type"`
					AverageUtilization int    `yaml:"averageUtilization"`
				} `yaml:"target"`
			} `yaml:"resource"`
		} `yaml:"metrics"`
	} `yaml:"spec"`
}

type k8sKustomization struct {
	Kind      string   `yaml:"kind"`
	Resources []string `yaml:"resources"`
}

// deployManifests are the parsed files of deploy/kubernetes.
type deployManifests struct {
	Deployment k8sDeployment
	ConfigMap  k8sConfigMap
	Service    k8sService
	PDB        k8sPDB
	HPA        k8sHPA
	Kustomize  k8sKustomization
	Readme     string
}

func loadDeployManifests(t *testing.T) *deployManifests {
	t.Helper()
	var m deployManifests
	for _, f := range []struct {
		file, kind string
		into       any
	}{
		{"deployment.yaml", "Deployment", &m.Deployment},
		{"configmap.yaml", "ConfigMap", &m.ConfigMap},
		{"service.yaml", "Service", &m.Service},
		{"pdb.yaml", "PodDisruptionBudget", &m.PDB},
		{"hpa.yaml", "HorizontalPodAutoscaler", &m.HPA},
		{"kustomization.yaml", "Kustomization", &m.Kustomize},
	} {
		data, err := os.ReadFile(filepath.Join(deployDir, f.file))
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		if err := yaml.Unmarshal(data, f.into); err != nil {
			t.Fatalf("%s: not valid YAML for a %s: %v", f.file, f.kind, err)
		}
		if kind := reflect.ValueOf(f.into).Elem().FieldByName("Kind").String(); kind != f.kind {
			t.Fatalf("%s: kind %q, want %q", f.file, kind, f.kind)
		}
	}
	readme, err := os.ReadFile(filepath.Join(deployDir, "README.md"))
	if err != nil {
		t.Fatalf("deploy/kubernetes/README.md: %v", err)
	}
	m.Readme = string(readme)
	if len(m.Deployment.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("deployment.yaml: want exactly one container (itemsvc), got %d", len(m.Deployment.Spec.Template.Spec.Containers))
	}
	return &m
}

// service is the itemsvc container.
func (m *deployManifests) service() *k8sContainer {
	return &m.Deployment.Spec.Template.Spec.Containers[0]
}

// allContainers are the init containers and the service's.
func (m *deployManifests) allContainers() []*k8sContainer {
	spec := &m.Deployment.Spec.Template.Spec
	var out []*k8sContainer
	for i := range spec.InitContainers {
		out = append(out, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		out = append(out, &spec.Containers[i])
	}
	return out
}

// secretVolume returns the volume backed by a Secret and its mount in c.
func (m *deployManifests) secretVolume(t *testing.T, c *k8sContainer) (*k8sVolume, *k8sMount) {
	t.Helper()
	for i := range m.Deployment.Spec.Template.Spec.Volumes {
		v := &m.Deployment.Spec.Template.Spec.Volumes[i]
		if v.Secret == nil {
			continue
		}
		for j := range c.VolumeMounts {
			if c.VolumeMounts[j].Name == v.Name {
				return v, &c.VolumeMounts[j]
			}
		}
		t.Fatalf("container %s: the secret volume %q is not mounted", c.Name, v.Name)
	}
	t.Fatal("deployment.yaml: no volume backed by a Secret")
	return nil, nil
}

var expansionRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// containerEnv is the environment the kubelet gives c: envFrom (the
// ConfigMap) first, then env in order, with $(VAR) expanded from what is
// defined so far and status.podIP as deployPodIP. Anything else (secretKeyRef,
// an unknown ConfigMap, an unresolved $(VAR)) is an error.
func (m *deployManifests) containerEnv(c *k8sContainer) (map[string]string, error) {
	out := map[string]string{}
	for _, from := range c.EnvFrom {
		switch {
		case from.SecretRef != nil:
			return nil, fmt.Errorf("container %s: envFrom secretRef: secrets are files (NAME_FILE), never environment values", c.Name)
		case from.ConfigMapRef == nil || from.ConfigMapRef.Name != m.ConfigMap.Metadata.Name:
			return nil, fmt.Errorf("container %s: envFrom must name the ConfigMap %q", c.Name, m.ConfigMap.Metadata.Name)
		}
		maps.Copy(out, m.ConfigMap.Data)
	}
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			if e.ValueFrom.FieldRef == nil || e.ValueFrom.FieldRef.FieldPath != "status.podIP" {
				return nil, fmt.Errorf("container %s: env %s: only fieldRef status.podIP is expected (secrets are files, never secretKeyRef)", c.Name, e.Name)
			}
			out[e.Name] = deployPodIP
			continue
		}
		var missing []string
		out[e.Name] = expansionRef.ReplaceAllStringFunc(e.Value, func(ref string) string {
			name := ref[2 : len(ref)-1]
			if v, ok := out[name]; ok {
				return v
			}
			missing = append(missing, name)
			return ref
		})
		if len(missing) > 0 {
			return nil, fmt.Errorf("container %s: env %s refers to undefined %v (the kubelet would keep the literal)", c.Name, e.Name, missing)
		}
	}
	return out, nil
}

// settingKeys returns every env name itemsvc reads (the kit's and its own)
// and the names of the secret ones (type settingsmod.Secret).
func settingKeys(t *testing.T) (keys, secrets map[string]bool) {
	t.Helper()
	params, err := env.GetFieldParams(&ItemSettings{})
	if err != nil {
		t.Fatal(err)
	}
	keys = map[string]bool{}
	for _, p := range params {
		keys[p.Key] = true
	}
	secrets = map[string]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("env"), ","); name != "" && f.Type == reflect.TypeFor[settingsmod.Secret]() {
				secrets[name] = true
			}
		}
	}
	walk(reflect.TypeFor[ItemSettings]())
	if len(secrets) == 0 || !secrets["PRIVATE_API_SECRET"] {
		t.Fatalf("no secret settings found by reflection: %v", secrets)
	}
	return keys, secrets
}

// portNumber resolves a port that is a number or the name of one of c's ports.
func portNumber(c *k8sContainer, p any) (int, error) {
	s := fmt.Sprint(p)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	for _, cp := range c.Ports {
		if cp.Name == s {
			return cp.ContainerPort, nil
		}
	}
	return 0, fmt.Errorf("port %q is neither a number nor a port name of container %s", s, c.Name)
}

// intOrPercent reads an int-or-string field that must be a plain number.
func intOrPercent(v any) (int, bool) {
	n, err := strconv.Atoi(fmt.Sprint(v))
	return n, err == nil
}

// TestDeployKustomization: kustomization.yaml lists every manifest of the
// directory, and no committed file is a Secret.
func TestDeployKustomization(t *testing.T) {
	m := loadDeployManifests(t)
	entries, err := os.ReadDir(deployDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".yaml") || name == "kustomization.yaml" {
			continue
		}
		files = append(files, name)
		data, err := os.ReadFile(filepath.Join(deployDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`(?m)^kind:\s*Secret\s*$`).Match(data) {
			t.Errorf("%s is a Secret: secrets are created with kubectl (README.md), never committed", name)
		}
	}
	got := slices.Sorted(slices.Values(m.Kustomize.Resources))
	if !slices.Equal(got, files) {
		t.Errorf("kustomization.yaml resources %v, want the directory's manifests %v", got, files)
	}
}

// TestDeployProbesAnswer (a): the probe paths, and the Prometheus scrape
// path, answer on a real booted itemsvc with the ConfigMap's API_PREFIX and
// trusted hosts, asked over TCP with the Host a kubelet or Prometheus sends
// (the pod IP).
func TestDeployProbesAnswer(t *testing.T) {
	m := loadDeployManifests(t)
	c := m.service()
	cenv, err := m.containerEnv(c)
	if err != nil {
		t.Fatal(err)
	}
	const scrapeCredential = "deploy-test-metrics-scrape-credential-0123"
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(map[string]string{
			"API_PREFIX":                  cenv["API_PREFIX"],
			"ALLOWED_HOSTS":               cenv["ALLOWED_HOSTS"],
			"TRUSTED_HOSTS_EXEMPT_PROBES": cenv["TRUSTED_HOSTS_EXEMPT_PROBES"],
			"METRICS_ENABLED":             cenv["METRICS_ENABLED"],
			"METRICS_SCRAPE_CREDENTIAL":   scrapeCredential,
		}),
		fxtest_helpers.WithSQLite(), fxtest_helpers.WithOptions(serviceOptions()...),
	)
	port, err := portNumber(c, "http")
	if err != nil {
		t.Fatal(err)
	}
	podHost := net.JoinHostPort(deployPodIP, strconv.Itoa(port))
	get := func(t *testing.T, p, host string, header http.Header) int {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, app.URL+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		req.Close = true // no idle connection left for goleak
		maps.Copy(req.Header, header)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}

	prefix := cenv["API_PREFIX"]
	for _, p := range []struct {
		name  string
		probe *k8sProbe
		want  string
	}{
		{"startupProbe", c.StartupProbe, path.Join(prefix, "health/live")},
		{"livenessProbe", c.LivenessProbe, path.Join(prefix, "health/live")},
		{"readinessProbe", c.ReadinessProbe, path.Join(prefix, "health/ready")},
	} {
		t.Run(p.name, func(t *testing.T) {
			if p.probe == nil || p.probe.HTTPGet == nil {
				t.Fatalf("%s: want an httpGet probe", p.name)
			}
			hg := p.probe.HTTPGet
			if hg.Path != p.want {
				t.Errorf("%s path %q, want %q (API_PREFIX=%s)", p.name, hg.Path, p.want, prefix)
			}
			if hg.Host != "" || (hg.Scheme != "" && hg.Scheme != "HTTP") {
				t.Errorf("%s: host %q scheme %q: the kubelet must ask the pod over plain HTTP", p.name, hg.Host, hg.Scheme)
			}
			if code := get(t, hg.Path, podHost, nil); code != http.StatusOK {
				t.Errorf("%s: GET %s (Host %s) on a started itemsvc: %d, want 200", p.name, hg.Path, podHost, code)
			}
		})
	}

	t.Run("prometheus scrape", func(t *testing.T) {
		ann := m.Deployment.Spec.Template.Metadata.Annotations
		if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/path"] == "" {
			t.Fatalf("pod annotations %v: want prometheus.io/scrape, /path and /port", ann)
		}
		scrape := ann["prometheus.io/path"]
		bearer := http.Header{"Authorization": {"Bearer " + scrapeCredential}}
		if code := get(t, scrape, podHost, bearer); code != http.StatusOK {
			t.Errorf("GET %s with Host %s (the pod IP, as Prometheus sends it): %d, want 200; ALLOWED_HOSTS=%q",
				scrape, podHost, code, cenv["ALLOWED_HOSTS"])
		}
		if code := get(t, scrape, podHost, nil); code != http.StatusUnauthorized {
			t.Errorf("GET %s without the scrape credential: %d, want 401", scrape, code)
		}
		if code := get(t, scrape, "evil.example.net", bearer); code != http.StatusBadRequest {
			t.Errorf("GET %s with a foreign Host: %d, want 400 (ALLOWED_HOSTS in force)", scrape, code)
		}
	})
}

// deployPlaceholder is a valid value for the secret setting name.
func deployPlaceholder(name string) string {
	if name == "DATABASE_URL" {
		return "postgres://itemsvc:placeholder%2Fpassword@postgres.example.internal:5432/items?sslmode=verify-full&connect_timeout=5"
	}
	return "deploy-test-" + strings.ToLower(name) + "-0123456789abcdef0123456789abcdef"
}

// TestDeploySettingsLoad (b): the environment of every container (the
// ConfigMap, the env entries, placeholder secret files at the *_FILE paths
// moved to a temp dir) loads through the kit's settings loader and the
// modules' configuration builders without a problem; every variable is a
// setting; no secret has a literal value.
func TestDeploySettingsLoad(t *testing.T) {
	m := loadDeployManifests(t)
	keys, secrets := settingKeys(t)
	for name := range m.ConfigMap.Data {
		if secrets[name] {
			t.Errorf("configmap.yaml: %s is a secret setting: give it as a file (%s_FILE)", name, name)
		}
	}
	for _, c := range m.allContainers() {
		t.Run(c.Name, func(t *testing.T) {
			cenv, err := m.containerEnv(c)
			if err != nil {
				t.Fatal(err)
			}
			_, mount := m.secretVolume(t, c)
			dir := t.TempDir()
			for name, v := range cenv {
				base, isFile := strings.CutSuffix(name, "_FILE")
				switch {
				case deployNonSettings[name]:
				case keys[name]:
					if secrets[name] && v != "" {
						t.Errorf("%s has a literal value: secrets are files (%s_FILE)", name, name)
					}
				case isFile && keys[base]:
					rel, ok := strings.CutPrefix(v, mount.MountPath+"/")
					if !ok {
						continue // reported by TestDeploySecretFiles
					}
					p := filepath.Join(dir, filepath.FromSlash(rel))
					if err := os.WriteFile(p, []byte(deployPlaceholder(base)+"\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					cenv[name] = p
				default:
					t.Errorf("%s is not a setting of itemsvc (settingsmod.Settings, ItemSettings) nor the NAME_FILE of one", name)
				}
			}

			var s ItemSettings
			if err := settingsmod.LoadInto(settingsmod.MapSource(cenv), &s); err != nil {
				t.Fatalf("the manifests' settings do not load: %v", err)
			}
			if !s.IsProduction() {
				t.Errorf("ENVIRONMENT=%q: the manifests are a production deployment", s.Environment)
			}
			base := s.Base()
			if _, err := dbmod.ConfigFromSettings(base); err != nil {
				t.Errorf("database settings: %v", err)
			}
			if _, err := authmod.ValidatorConfigFromSettings(base); err != nil {
				t.Errorf("token validator settings: %v", err)
			}
			if _, err := authmod.RevocationConfigFromSettings(base); err != nil {
				t.Errorf("revocation settings: %v", err)
			}
			if _, err := authmod.InternalAuthConfigFromSettings(base); err != nil {
				t.Errorf("private-call settings: %v", err)
			}
			if _, err := authmod.EventStreamConfigFromSettings(base); err != nil {
				t.Errorf("event stream settings: %v", err)
			}
			if _, err := authevent.SigningKeyFromSettings(base); err != nil {
				t.Errorf("event signing key: %v", err)
			}
			if _, err := securitymod.NewTrustedHosts(securitymod.TrustedHostsConfigFromSettings(base)); err != nil {
				t.Errorf("ALLOWED_HOSTS %q: %v", cenv["ALLOWED_HOSTS"], err)
			}
			if f := m8fx.CheckConfig(base); len(f) > 0 {
				t.Errorf("configuration health findings (warnings at start): %+v", f)
			}
			if !slices.Contains(s.AllowedHosts, deployPodIP) {
				t.Errorf("ALLOWED_HOSTS %v lacks the pod IP: Prometheus scrapes /metrics with Host = pod IP", s.AllowedHosts)
			}
			for name, want := range map[string]bool{
				"TOKEN_MODE=stateful":                 s.IsStateful(),
				"SERVICE_TOKEN_EXCHANGE_ENABLED=true": s.ServiceTokenExchangeEnabled,
				"EVENT_STREAM_ENABLED=true":           s.EventStreamEnabled,
				"METRICS_ENABLED=true":                s.MetricsEnabled,
				"METRICS_SCRAPE_CREDENTIAL set":       s.MetricsScrapeCredential.IsSet(),
				"SELECTED_DB=Postgres":                s.SelectedDB == "Postgres",
			} {
				if !want {
					t.Errorf("the deployment needs %s", name)
				}
			}
		})
	}
}

// TestDeploySecretFiles (c): every *_FILE variable points into the mounted,
// read-only secret volume, at a path the volume's items provide; every item
// is used and documented in README.md's kubectl command; the init
// container gets exactly the service's environment, mounts and security.
func TestDeploySecretFiles(t *testing.T) {
	m := loadDeployManifests(t)
	_, secrets := settingKeys(t)
	svc := m.service()
	for _, c := range m.allContainers() {
		vol, mount := m.secretVolume(t, c)
		if !mount.ReadOnly || mount.SubPath != "" {
			t.Errorf("container %s: the secret volume mount must be readOnly and whole (no subPath: it would never see a rotated secret)", c.Name)
		}
		if vol.Secret.SecretName == "" || len(vol.Secret.Items) == 0 {
			t.Fatalf("volume %s: want secretName and explicit items (a missing key then fails the pod's start)", vol.Name)
		}
		// 0440 in the YAML is octal for Kubernetes (288): a decimal reading
		// would be a different mode.
		if mode := vol.Secret.DefaultMode; mode == nil || (*mode != 0o440 && *mode != 0o400) {
			t.Errorf("volume %s: defaultMode %v: want 0440 (owner and fsGroup read) or 0400, never world-readable", vol.Name, deref(mode))
		}
		items := map[string]string{} // path -> key
		for _, it := range vol.Secret.Items {
			items[it.Path] = it.Key
		}
		used := map[string]bool{}
		for _, e := range c.Env {
			name, ok := strings.CutSuffix(e.Name, "_FILE")
			if !ok {
				continue
			}
			if !secrets[name] {
				t.Errorf("container %s: %s: %s is not a secret setting", c.Name, e.Name, name)
			}
			rel, ok := strings.CutPrefix(e.Value, mount.MountPath+"/")
			if !ok || strings.Contains(rel, "/") || rel == "" {
				t.Errorf("container %s: %s=%q is not a file directly under the secret mount %s", c.Name, e.Name, e.Value, mount.MountPath)
				continue
			}
			if _, ok := items[rel]; !ok {
				t.Errorf("container %s: %s names %q, not an item of the Secret %s (items %v)", c.Name, e.Name, rel, vol.Secret.SecretName, items)
			}
			used[rel] = true
		}
		for p, key := range items {
			if !used[p] {
				t.Errorf("container %s: secret item %s is mounted but no *_FILE variable reads it", c.Name, key)
			}
			if !strings.Contains(m.Readme, "--from-file="+key+"=") {
				t.Errorf("README.md: the kubectl create secret command lacks --from-file=%s=...", key)
			}
		}
		if !regexp.MustCompile(`kubectl (-n \S+ )?create secret generic ` + regexp.QuoteMeta(vol.Secret.SecretName) + `\b`).MatchString(m.Readme) {
			t.Errorf("README.md: no `kubectl create secret generic %s` command", vol.Secret.SecretName)
		}
		if c != svc {
			for what, same := range map[string]bool{
				"env":             reflect.DeepEqual(c.Env, svc.Env),
				"envFrom":         reflect.DeepEqual(c.EnvFrom, svc.EnvFrom),
				"volumeMounts":    reflect.DeepEqual(c.VolumeMounts, svc.VolumeMounts),
				"securityContext": reflect.DeepEqual(c.SecurityContext, svc.SecurityContext),
				"image":           c.Image == svc.Image,
			} {
				if !same {
					t.Errorf("init container %s: %s differs from the service's: it must load the same settings", c.Name, what)
				}
			}
		}
	}
}

// deployStopTimeout is m8fx.Module's stop timeout, read through fx (the
// module sets it with fx.StopTimeout). The app is built without settings,
// so its build fails before any constructor with side effects runs; the
// timeouts are set by then.
func deployStopTimeout(t *testing.T) (stop, start time.Duration) {
	t.Helper()
	app := fx.New(m8fx.Module,
		fx.WithLogger(func() fxevent.Logger { return fxevent.NopLogger }),
		fx.Replace(settingsmod.MapSource(nil)))
	return app.StopTimeout(), app.StartTimeout()
}

// TestDeployGracePeriod (d): the pod's termination grace period covers the
// preStop sleep plus the whole stop the kit may take: the drain
// (SHUTDOWN_DRAIN_SECONDS, at most half of the stop timeout) and the HTTP
// shutdown and closing hooks in the rest of the stop timeout. The startup
// probe outlasts the start timeout.
func TestDeployGracePeriod(t *testing.T) {
	m := loadDeployManifests(t)
	c := m.service()
	stopTimeout, startTimeout := deployStopTimeout(t)
	if stopTimeout <= 0 || stopTimeout == fx.DefaultTimeout {
		t.Fatalf("m8fx.Module's stop timeout read as %v: expected the kit's own (90 s)", stopTimeout)
	}
	cenv, err := m.containerEnv(c)
	if err != nil {
		t.Fatal(err)
	}
	var s settingsmod.Settings
	if _, ok := cenv["SHUTDOWN_DRAIN_SECONDS"]; !ok {
		t.Fatal("configmap.yaml: set SHUTDOWN_DRAIN_SECONDS explicitly: the grace period depends on it")
	}
	drainVal, err := strconv.Atoi(cenv["SHUTDOWN_DRAIN_SECONDS"])
	if err != nil {
		t.Fatalf("SHUTDOWN_DRAIN_SECONDS=%q: %v", cenv["SHUTDOWN_DRAIN_SECONDS"], err)
	}
	s.ShutdownDrainSeconds = &drainVal
	drain := s.ShutdownDrain()
	writeTimeout, err := strconv.Atoi(orDefault(cenv["HTTP_WRITE_TIMEOUT_SECONDS"], "35"))
	if err != nil {
		t.Fatal(err)
	}

	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
		t.Fatal("deployment.yaml: want lifecycle.preStop.sleep (the image has no shell for exec: sleep)")
	}
	if c.Lifecycle.PreStop.Exec != nil {
		t.Error("preStop exec: the distroless image has no shell or sleep binary")
	}
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	if preStop <= 0 {
		t.Error("preStop sleep must be > 0 s: endpoint removal reaches kube-proxy and ingresses after the pod starts terminating")
	}
	gp := m.Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds
	if gp == nil {
		t.Fatal("deployment.yaml: set terminationGracePeriodSeconds (the default 30 s is shorter than the kit's stop)")
	}
	grace := time.Duration(*gp) * time.Second

	if drain > stopTimeout/2 {
		t.Errorf("SHUTDOWN_DRAIN_SECONDS=%v is over half of the stop timeout %v: the kit would shorten it", drain, stopTimeout)
	}
	shutdown := stopTimeout - drain // the HTTP shutdown's share (and the hooks after it)
	if need := preStop + drain + shutdown; grace <= need {
		t.Errorf("terminationGracePeriodSeconds %v <= preStop %v + drain %v + shutdown share %v (stop timeout %v) = %v: the kubelet would SIGKILL a stop the kit still runs",
			grace, preStop, drain, shutdown, stopTimeout, need)
	}
	if w := time.Duration(writeTimeout) * time.Second; w > shutdown {
		t.Errorf("HTTP_WRITE_TIMEOUT_SECONDS %v exceeds the shutdown share %v: in-flight requests could be cut", w, shutdown)
	}
	if p := c.StartupProbe; p == nil {
		t.Error("want a startupProbe")
	} else if budget := time.Duration(p.InitialDelaySeconds+probePeriod(p)*probeFailures(p)) * time.Second; budget <= startTimeout {
		t.Errorf("startupProbe allows %v, not more than the start timeout %v: liveness could kill a start still within its time", budget, startTimeout)
	}
	t.Logf("budget: preStop %v + drain %v + shutdown share %v (stop timeout %v) = %v < grace %v; start timeout %v",
		preStop, drain, shutdown, stopTimeout, preStop+stopTimeout, grace, startTimeout)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func probePeriod(p *k8sProbe) int {
	if p.PeriodSeconds == 0 {
		return 10 // Kubernetes' default
	}
	return p.PeriodSeconds
}

func probeFailures(p *k8sProbe) int {
	if p.FailureThreshold == 0 {
		return 3 // Kubernetes' default
	}
	return p.FailureThreshold
}

// TestDeploySecurityContext (e): every container runs as the image's
// numeric non-root user, read-only, without privilege escalation or
// capabilities, under the runtime's seccomp profile; the pod has no API
// token and enough resources for the HPA to compute utilisation.
func TestDeploySecurityContext(t *testing.T) {
	m := loadDeployManifests(t)
	pod := m.Deployment.Spec.Template.Spec.SecurityContext
	if m.Deployment.Spec.Template.Spec.AutomountServiceAccountToken == nil || *m.Deployment.Spec.Template.Spec.AutomountServiceAccountToken {
		t.Error("automountServiceAccountToken: false (itemsvc never calls the Kubernetes API)")
	}
	pick := func(c, p *bool) *bool {
		if c != nil {
			return c
		}
		return p
	}
	for _, c := range m.allContainers() {
		sc := c.SecurityContext
		uid := sc.RunAsUser
		if uid == nil {
			uid = pod.RunAsUser
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = pod.SeccompProfile
		}
		for _, check := range []struct {
			ok   bool
			what string
		}{
			{isTrue(pick(sc.RunAsNonRoot, pod.RunAsNonRoot)), "runAsNonRoot: true"},
			{uid != nil && *uid == deployNonRootUID, fmt.Sprintf("runAsUser: %d (the image's USER)", deployNonRootUID)},
			{isTrue(sc.ReadOnlyRootFilesystem), "readOnlyRootFilesystem: true"},
			{sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation, "allowPrivilegeEscalation: false"},
			{sc.Privileged == nil || !*sc.Privileged, "not privileged"},
			{sc.Capabilities != nil && slices.Contains(sc.Capabilities.Drop, "ALL") && len(sc.Capabilities.Add) == 0, "capabilities: drop ALL, add none"},
			{seccomp != nil && seccomp.Type == "RuntimeDefault", "seccompProfile RuntimeDefault"},
			{c.Resources.Requests["cpu"] != nil && c.Resources.Requests["memory"] != nil, "resources.requests cpu and memory"},
			{c.Resources.Limits["memory"] != nil, "resources.limits memory"},
		} {
			if !check.ok {
				t.Errorf("container %s: want %s", c.Name, check.what)
			}
		}
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

func deref(p *int) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprintf("%#o", *p)
}

// TestDeployPorts (f): HTTP_ADDR's port, the container port, the probes'
// port, the Service's targetPort, the Prometheus annotation and the image's
// EXPOSE are one port.
func TestDeployPorts(t *testing.T) {
	m := loadDeployManifests(t)
	c := m.service()
	cenv, err := m.containerEnv(c)
	if err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(cenv["HTTP_ADDR"])
	if err != nil {
		t.Fatalf("HTTP_ADDR=%q: %v", cenv["HTTP_ADDR"], err)
	}
	if host != "0.0.0.0" && host != "" {
		t.Errorf("HTTP_ADDR host %q: the pod must listen on every interface (probes and the Service use the pod IP)", host)
	}
	want, _ := strconv.Atoi(port)
	if len(c.Ports) != 1 {
		t.Fatalf("container %s: want one port, got %d", c.Name, len(c.Ports))
	}
	ports := map[string]any{"containerPort": c.Ports[0].ContainerPort}
	for name, p := range map[string]*k8sProbe{"startupProbe": c.StartupProbe, "livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
		if p != nil && p.HTTPGet != nil {
			ports[name] = p.HTTPGet.Port
		}
	}
	for _, sp := range m.Service.Spec.Ports {
		ports["Service targetPort "+sp.Name] = sp.TargetPort
	}
	ports["prometheus.io/port"] = m.Deployment.Spec.Template.Metadata.Annotations["prometheus.io/port"]
	ports["Dockerfile EXPOSE"] = dockerfileStage(t, lastStage).expose
	for name, p := range ports {
		n, err := portNumber(c, p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if n != want {
			t.Errorf("%s is %d, HTTP_ADDR listens on %d", name, n, want)
		}
	}
}

// TestDeployScaling (g): the Deployment, Service, PDB and HPA select the
// same pods; the HPA scales the Deployment on CPU from at least 2 replicas;
// the PDB never blocks a drain; the database pool fits at full scale.
func TestDeployScaling(t *testing.T) {
	m := loadDeployManifests(t)
	d := &m.Deployment
	podLabels := d.Spec.Template.Metadata.Labels
	selects := func(sel map[string]string) bool {
		if len(sel) == 0 {
			return false
		}
		for k, v := range sel {
			if podLabels[k] != v {
				return false
			}
		}
		return true
	}
	for name, sel := range map[string]map[string]string{
		"Deployment selector": d.Spec.Selector.MatchLabels,
		"Service selector":    m.Service.Spec.Selector,
		"PDB selector":        m.PDB.Spec.Selector.MatchLabels,
	} {
		if !selects(sel) {
			t.Errorf("%s %v does not select the pod labels %v", name, sel, podLabels)
		}
	}
	if m.PDB.APIVersion != "policy/v1" {
		t.Errorf("PDB apiVersion %q, want policy/v1", m.PDB.APIVersion)
	}

	h := m.HPA.Spec
	if m.HPA.APIVersion != "autoscaling/v2" {
		t.Errorf("HPA apiVersion %q, want autoscaling/v2", m.HPA.APIVersion)
	}
	if h.ScaleTargetRef.APIVersion != "apps/v1" || h.ScaleTargetRef.Kind != "Deployment" || h.ScaleTargetRef.Name != d.Metadata.Name {
		t.Errorf("HPA scaleTargetRef %+v, want apps/v1 Deployment %s", h.ScaleTargetRef, d.Metadata.Name)
	}
	minReplicas := 1
	if h.MinReplicas != nil {
		minReplicas = *h.MinReplicas
	}
	if minReplicas < 2 {
		t.Errorf("HPA minReplicas %d: want at least 2", minReplicas)
	}
	if h.MaxReplicas < minReplicas || d.Spec.Replicas < minReplicas || d.Spec.Replicas > h.MaxReplicas {
		t.Errorf("replicas %d, HPA %d..%d: want min <= replicas <= max", d.Spec.Replicas, minReplicas, h.MaxReplicas)
	}
	cpu := false
	for _, mt := range h.Metrics {
		if mt.Type == "Resource" && mt.Resource != nil && mt.Resource.Name == "cpu" &&
			mt.Resource.Target.Type == "Utilization" && mt.Resource.Target.AverageUtilization > 0 {
			cpu = true
		}
	}
	if !cpu {
		t.Error("HPA: want a Resource cpu metric with a Utilization target")
	}
	if m.service().Resources.Requests["cpu"] == nil {
		t.Error("HPA on CPU utilisation needs a CPU request on the container")
	}

	if m.PDB.Spec.MinAvailable != nil {
		if n, ok := intOrPercent(m.PDB.Spec.MinAvailable); !ok || n >= minReplicas {
			t.Errorf("PDB minAvailable %v with HPA minReplicas %d: a node drain could block forever", m.PDB.Spec.MinAvailable, minReplicas)
		}
	} else if n, ok := intOrPercent(m.PDB.Spec.MaxUnavailable); !ok || n < 1 || n >= minReplicas {
		t.Errorf("PDB maxUnavailable %v: want between 1 and minReplicas-1 (%d)", m.PDB.Spec.MaxUnavailable, minReplicas-1)
	}

	// Rolling updates keep the capacity and the database pool fits.
	surge, ok := intOrPercent(d.Spec.Strategy.RollingUpdate.MaxSurge)
	if unavail, ok2 := intOrPercent(d.Spec.Strategy.RollingUpdate.MaxUnavailable); !ok || !ok2 || unavail != 0 || surge < 1 {
		t.Errorf("rollingUpdate maxSurge %v maxUnavailable %v: want a number >= 1 and 0",
			d.Spec.Strategy.RollingUpdate.MaxSurge, d.Spec.Strategy.RollingUpdate.MaxUnavailable)
	}
	conns, err := strconv.Atoi(m.ConfigMap.Data["DB_MAX_OPEN_CONNS"])
	if err != nil || conns < 2 {
		t.Fatalf("DB_MAX_OPEN_CONNS=%q: set it explicitly, at least 2 (the migrations lock holds one)", m.ConfigMap.Data["DB_MAX_OPEN_CONNS"])
	}
	// A stock PostgreSQL has max_connections 100, 3 reserved for superusers.
	if total := (h.MaxReplicas + surge) * conns; total > 97 {
		t.Errorf("(maxReplicas %d + surge %d) x DB_MAX_OPEN_CONNS %d = %d connections: over a stock PostgreSQL's 97", h.MaxReplicas, surge, conns, total)
	}
}

// dockerStage is one FROM ... stage of the Dockerfile.
type dockerStage struct {
	image, name string
	lines       []string // instructions, continuation lines joined
	user        string
	expose      string
	entrypoint  string
	copies      []string // destinations of COPY
}

const lastStage = -1

// dockerfileStages parses the Dockerfile into stages (instructions only).
func dockerfileStages(t *testing.T) []dockerStage {
	t.Helper()
	f, err := os.Open(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []dockerStage
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		op, rest, _ := strings.Cut(line, " ")
		op, rest = strings.ToUpper(op), strings.TrimSpace(rest)
		if op == "FROM" {
			fields := strings.Fields(rest)
			st := dockerStage{image: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				st.name = fields[2]
			}
			stages = append(stages, st)
		}
		if len(stages) == 0 {
			return
		}
		st := &stages[len(stages)-1]
		st.lines = append(st.lines, op+" "+rest)
		switch op {
		case "USER":
			st.user = rest
		case "EXPOSE":
			st.expose = strings.TrimSuffix(rest, "/tcp")
		case "ENTRYPOINT":
			st.entrypoint = rest
		case "COPY":
			fields := strings.Fields(rest)
			st.copies = append(st.copies, fields[len(fields)-1])
		}
	}
	for sc.Scan() {
		line := sc.Text()
		if trimmed := strings.TrimSpace(line); trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue // comments and blank lines, also inside a continued instruction
		}
		if s, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

func dockerfileStage(t *testing.T, i int) dockerStage {
	t.Helper()
	stages := dockerfileStages(t)
	if len(stages) == 0 {
		t.Fatal("Dockerfile: no FROM")
	}
	if i < 0 {
		i = len(stages) + i
	}
	return stages[i]
}

// TestDeployDockerfile (h): a multi-stage build of static binaries on the
// go.mod toolchain, a final image without Go, shell or root, whose
// entrypoint and the init container's command are binaries it contains.
func TestDeployDockerfile(t *testing.T) {
	stages := dockerfileStages(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stage(s), want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	all := strings.Join(build.lines, "\n")

	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatal("go.mod: no go line")
	}
	if want := "golang:" + string(goLine[1]); build.image != want && !strings.HasPrefix(build.image, want+".") && !strings.HasPrefix(build.image, want+"-") {
		t.Errorf("build stage FROM %s, want %s (go.mod's go %s)", build.image, want, goLine[1])
	}
	if !regexp.MustCompile(`\bCGO_ENABLED=0\b`).MatchString(all) {
		t.Error("build stage: CGO_ENABLED=0 (static binaries for a distroless/scratch image)")
	}
	for _, pkg := range []string{"./examples/itemsvc", "./cmd/m8fx"} {
		re := regexp.MustCompile(`go build -trimpath -ldflags "-s -w" -o \S+ ` + regexp.QuoteMeta(pkg) + `\b`)
		if !re.MatchString(all) {
			t.Errorf(`build stage: want go build -trimpath -ldflags "-s -w" -o <path> %s`, pkg)
		}
	}

	if strings.HasPrefix(final.image, "golang") {
		t.Errorf("final stage FROM %s: the run image must not carry the Go toolchain", final.image)
	}
	if final.image != "scratch" && !strings.HasPrefix(final.image, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s: want scratch or gcr.io/distroless/static*", final.image)
	}
	for _, l := range final.lines {
		if strings.HasPrefix(l, "RUN ") {
			t.Errorf("final stage %q: the run image has no shell", l)
		}
	}
	uid, _, _ := strings.Cut(final.user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 || n != deployNonRootUID {
		t.Errorf("final stage USER %q: want the numeric non-root %d (runAsNonRoot cannot verify a name)", final.user, deployNonRootUID)
	}
	if final.expose == "" {
		t.Error("final stage: EXPOSE the HTTP port")
	}
	var entry []string
	if err := yaml.Unmarshal([]byte(final.entrypoint), &entry); err != nil || len(entry) == 0 {
		t.Fatalf("ENTRYPOINT %q: want the exec (JSON) form, there is no shell", final.entrypoint)
	}
	if path.Base(entry[0]) != "itemsvc" || !slices.Contains(final.copies, entry[0]) {
		t.Errorf("ENTRYPOINT %v: want the itemsvc binary copied into the final stage (%v)", entry, final.copies)
	}

	m := loadDeployManifests(t)
	for _, c := range m.allContainers() {
		if len(c.Command) > 0 && !slices.Contains(final.copies, c.Command[0]) {
			t.Errorf("container %s command %v: %s is not in the image (%v)", c.Name, c.Command, c.Command[0], final.copies)
		}
	}
	for _, c := range m.Deployment.Spec.Template.Spec.InitContainers {
		if len(c.Command) < 2 || path.Base(c.Command[0]) != "m8fx" || c.Command[1] != "prestart" {
			t.Errorf("init container %s: want m8fx prestart (the kit's wait-for-database), got %v", c.Name, c.Command)
		}
	}

	ignore, err := os.ReadFile(dockerignorePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(ignore), "\n")
	for _, want := range []string{".git", ".env", "**/.env"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore: want %q", want)
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "!") {
			continue
		}
		if ok, _ := filepath.Match(l, "examples/itemsvc/local.env"); ok || l == "examples" || l == "examples/itemsvc" || l == "**/*.env" {
			t.Errorf(".dockerignore %q excludes examples/itemsvc/local.env, which itemsvc embeds", l)
		}
	}
}
