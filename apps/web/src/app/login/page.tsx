import { LoginView } from '@/features/auth/login-view';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return <LoginView next={typeof next === 'string' ? next : undefined} />;
}
