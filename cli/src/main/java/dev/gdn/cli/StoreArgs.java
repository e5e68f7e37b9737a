package dev.gdn.cli;

import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.InvalidStoreUriException;
import dev.gdn.sync.store.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opening the stores named on the command line. A URI that names no usable store is a usage error; a
 * store that cannot be opened now (a directory that cannot be created) is not: it fails its own calls,
 * so the command reports it as one failed store among the others.
 */
final class StoreArgs {
    private StoreArgs() {
    }

    static List<ObjectStore> open(List<String> uris, Duration callTimeout) {
        List<ObjectStore> stores = new ArrayList<>();
        for (String uri : uris) {
            try {
                stores.add(ObjectStores.open(uri, new StoreOptions(callTimeout)));
            } catch (InvalidStoreUriException e) {
                stores.forEach(ObjectStore::close);
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        return stores;
    }
}
