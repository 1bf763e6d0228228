package dev.promptline.api.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder on 127.0.0.1 in front of a real server (PostgreSQL), to take that server away from the service and
 * give it back without touching the server itself: {@link #cut()} drops every open connection and refuses new ones
 * (accepted and reset at once), {@link #restore()} forwards again.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptLoop);
    }

    /** Starts forwarding a free loopback port to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        return new TcpProxy(host, port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every forwarded connection, both sides, and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
    }

    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(TcpProxy::closeQuietly);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                reset(client);
                continue;
            }
            threads.execute(() -> forward(client));
        }
    }

    private void forward(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
            reset(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (cut) {
            // Cut while connecting: this connection must not survive it.
            closeQuietly(client);
            closeQuietly(upstream);
        }
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Copies until either side ends, then closes both, so the other direction ends too. */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away (or was cut): closing both below tells the other.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Closes with a reset, as a host with nothing listening would answer. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // Closing below is what matters.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Best effort.
        }
    }
}
