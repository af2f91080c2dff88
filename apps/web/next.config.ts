import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // A second dev server on one checkout needs its own build directory (and lock).
  ...(process.env.NEXT_DIST_DIR ? { distDir: process.env.NEXT_DIST_DIR } : {}),
  // Workspace packages ship ESM (built to dist); transpiling keeps them in the app bundle.
  transpilePackages: ['@cyclone/api-contract', '@cyclone/domain', '@cyclone/dag', '@cyclone/manifests'],
};

export default nextConfig;
