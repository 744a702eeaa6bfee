export function App() {
  return (
    <main>
      <h1>Aurora Latent Explorer</h1>
    </main>
  );
}
