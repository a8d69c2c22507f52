/**
 * The Pod Security Standards "baseline" and "restricted" checks on a pod template, written from
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the pod-security-admission
 * policies). Returns the violations; an empty list means the template meets "restricted".
 */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

export function podSecurityViolations(template: any): string[] {
  const v: string[] = [];
  const pod = template?.spec ?? {};
  const podSc = pod.securityContext ?? {};
  const containers: any[] = [...(pod.containers ?? []), ...(pod.initContainers ?? []), ...(pod.ephemeralContainers ?? [])];

  // baseline
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f] === true) v.push(`baseline: spec.${f} is true`);
  if (podSc.windowsOptions?.hostProcess === true) v.push('baseline: pod hostProcess');
  for (const vol of pod.volumes ?? []) if (vol.hostPath) v.push(`baseline: volume ${vol.name} is a hostPath`);
  for (const s of podSc.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) v.push(`baseline: sysctl ${s.name}`);
  if (podSc.seLinuxOptions && (!SELINUX_TYPES.includes(podSc.seLinuxOptions.type ?? '') || podSc.seLinuxOptions.user || podSc.seLinuxOptions.role)) v.push('baseline: pod seLinuxOptions');
  if (podSc.seccompProfile?.type === 'Unconfined') v.push('baseline: pod seccompProfile Unconfined');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) v.push(`baseline: ${c.name} is privileged`);
    if (sc.windowsOptions?.hostProcess === true) v.push(`baseline: ${c.name} hostProcess`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.includes(cap)) v.push(`baseline: ${c.name} adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`baseline: ${c.name} uses hostPort ${p.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') v.push(`baseline: ${c.name} procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') v.push(`baseline: ${c.name} seccompProfile Unconfined`);
    if (sc.seLinuxOptions && (!SELINUX_TYPES.includes(sc.seLinuxOptions.type ?? '') || sc.seLinuxOptions.user || sc.seLinuxOptions.role)) v.push(`baseline: ${c.name} seLinuxOptions`);
  }

  // restricted
  for (const vol of pod.volumes ?? []) {
    const kinds = Object.keys(vol).filter(k => k !== 'name');
    if (!kinds.every(k => RESTRICTED_VOLUMES.includes(k))) v.push(`restricted: volume ${vol.name} is a ${kinds.join(', ')}`);
  }
  if (podSc.runAsUser === 0) v.push('restricted: pod runAsUser 0');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) v.push(`restricted: ${c.name} allowPrivilegeEscalation is not false`);
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (nonRoot !== true) v.push(`restricted: ${c.name} runAsNonRoot is not true`);
    if (sc.runAsUser === 0) v.push(`restricted: ${c.name} runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`restricted: ${c.name} seccompProfile is not RuntimeDefault or Localhost`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`restricted: ${c.name} does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`restricted: ${c.name} adds ${cap}`);
  }
  return v;
}
