import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import './i18n';
import './styles.css';
import './pages.css';
import { SessionProvider, useSession } from './session';
import { AppShell } from './components/AppShell';
import { Loading } from './components/Status';
import { SignIn } from './pages/SignIn';
import { Activate, ConfirmEmail } from './pages/LinkPages';
import { Unsubscribe } from './pages/Unsubscribe';
import { Attest } from './pages/Attest';
import { MyCompany } from './pages/MyCompany';
import { Clients } from './pages/Clients';
import { ClientConfigure } from './pages/ClientConfigure';
import { Users } from './pages/Users';
import { Notices } from './pages/Notices';
import { Mailbox } from './pages/Mailbox';
import { Webhooks } from './pages/Webhooks';

function RequireSession({ children }: { children: React.ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/confirm-email" element={<ConfirmEmail />} />
          <Route path="/activate" element={<Activate />} />
          <Route path="/attest" element={<Attest />} />
          <Route path="/unsubscribe/:token" element={<Unsubscribe />} />
          <Route
            element={
              <RequireSession>
                <AppShell />
              </RequireSession>
            }
          >
            <Route path="/my-company" element={<MyCompany />} />
            <Route path="/clients" element={<Clients />} />
            <Route path="/clients/:id" element={<ClientConfigure />} />
            <Route path="/users" element={<Users />} />
            <Route path="/notices/*" element={<Notices />} />
            <Route path="/mailbox" element={<Mailbox />} />
            <Route path="/webhooks" element={<Webhooks />} />
            <Route path="*" element={<Navigate to="/my-company" replace />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
