package dev.gdn.cli;

import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.ObjectStores;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opening the stores named on the command line. */
final class StoreArgs {
    private StoreArgs() {
    }

    static List<ObjectStore> open(List<String> uris, Duration callTimeout) {
        List<ObjectStore> stores = new ArrayList<>();
        for (String uri : uris) {
            try {
                stores.add(ObjectStores.open(uri, new StoreOptions(callTimeout)));
            } catch (StoreException e) {
                stores.forEach(ObjectStore::close);
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        return stores;
    }
}
