package dev.gdn.sync.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds every call of a store by a timeout, whatever the store does inside (a hung NFS mount, a
 * socket that never answers). The call runs on a virtual thread; past the timeout it is interrupted
 * and the caller gets a {@link StoreException} saying so.
 */
public final class TimedObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public TimedObjectStore(ObjectStore delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
    }

    private interface StoreCall<T> {
        T call() throws StoreException;
    }

    private <T> T timed(String operation, String key, StoreCall<T> call) throws StoreException {
        Future<T> f = executor.submit((Callable<T>) call::call);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreException(delegate.name(), operation, key, "timed out after " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException(delegate.name(), operation, key, "interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(delegate.name(), operation, key, String.valueOf(cause), cause);
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        return timed("get", key, () -> delegate.get(key, ifNoneMatch));
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        return timed("put", key, () -> delegate.put(key, data, condition));
    }

    @Override
    public List<String> list(String prefix) throws StoreException {
        return timed("list", prefix, () -> delegate.list(prefix));
    }

    @Override
    public void delete(String key) throws StoreException {
        timed("delete", key, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        delegate.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
