import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages ship ESM (built to dist); transpiling keeps them in the app bundle.
  transpilePackages: ['@cyclone/domain', '@cyclone/dag'],
};

export default nextConfig;
