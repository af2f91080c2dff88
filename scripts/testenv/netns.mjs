#!/usr/bin/env node
// Runs a command inside a network namespace made for it, deleted afterwards: only
// `lo` and a bridge `node0` holding the node address (NODE_IP), and no
// route anywhere else. The real-node tests run in one (REAL-CONTAINERS.md): the
// control plane, containerd, the kubelet, Postgres, the API and the tests' servers
// all listen inside it, and pods on the CNI bridge reach them at NODE_IP, so no
// traffic leaves namespaces the tests made.
//
//   node scripts/testenv/netns.mjs <command> [args…]
//
// The command gets CYCLONE_TESTENV_NETNS (the namespace's name) and
// CYCLONE_TESTENV_NODE_IP. nsenter switches the network namespace only: containerd
// and the kubelet keep the machine's mount namespace, as they must share one.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const NODE_IP = '10.213.0.1';

function ip(args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function main([command, ...args]) {
  if (!command) {
    process.stderr.write('usage: netns.mjs <command> [args…]\n');
    process.exit(2);
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('netns.mjs: making a network namespace needs root\n');
    process.exit(1);
  }
  const name = `cyclone-test-${randomBytes(4).toString('hex')}`;
  ip(['netns', 'add', name]);
  const remove = () => {
    try {
      ip(['netns', 'delete', name]);
    } catch {
      // Already gone.
    }
  };
  try {
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    ip(['-n', name, 'link', 'add', 'node0', 'type', 'bridge']);
    ip(['-n', name, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'node0']);
    ip(['-n', name, 'link', 'set', 'node0', 'up']);
  } catch (error) {
    remove();
    throw error;
  }
  const child = spawn('nsenter', [`--net=/run/netns/${name}`, '--', command, ...args], {
    stdio: 'inherit',
    env: { ...process.env, CYCLONE_TESTENV_NETNS: name, CYCLONE_TESTENV_NODE_IP: NODE_IP },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    remove();
    process.exit(code ?? (signal ? 128 : 1));
  });
}

main(process.argv.slice(2));
